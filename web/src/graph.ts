/**
 * A graph on a canvas: nodes at given positions (a simulation's sample, laid out by the
 * server as the report does) or on a circle (a devnet is small and a circle shows every
 * edge), edges as lines, each node a filled circle with optional ring and label.
 */
import { fitCanvas } from "./chart.js";

export interface DrawnNode {
  readonly fill: string;
  /** outline colour, e.g. to flag a mismatched ledger root */
  readonly ring?: string;
  /** text inside the node */
  readonly label?: string;
  /** text under the node */
  readonly caption?: string;
}

export interface GraphPicture {
  readonly nodes: readonly DrawnNode[];
  /** undirected edges as index pairs */
  readonly edges: readonly (readonly [number, number])[];
  /** edges seen from one side only (a peer list the other side does not mirror) */
  readonly oneWay?: readonly (readonly [number, number])[];
  /** node positions in [-1, 1]² (one per node); without them the nodes sit on a circle */
  readonly x?: readonly number[];
  readonly y?: readonly number[];
}

/** Positions in [-1, 1]² mapped into a w × h canvas with `pad` pixels kept free, aspect ratio kept. */
export function fitLayout(x: readonly number[], y: readonly number[], width: number, height: number, pad: number): [number, number][] {
  const half = Math.max(1, Math.min(width, height) / 2 - pad);
  return x.map((xi, i) => [width / 2 + xi * half, height / 2 + y[i]! * half]);
}

/** Positions on a circle, starting at the top, clockwise. */
export function circleLayout(n: number, cx: number, cy: number, r: number): [number, number][] {
  if (n === 1) return [[cx, cy]];
  return Array.from({ length: n }, (_, i) => {
    const a = -Math.PI / 2 + (2 * Math.PI * i) / n;
    return [cx + r * Math.cos(a), cy + r * Math.sin(a)];
  });
}

export function drawGraph(canvas: HTMLCanvasElement, picture: GraphPicture): void {
  const { ctx, width, height } = fitCanvas(canvas);
  const n = picture.nodes.length;
  if (n === 0) return;
  const big = n > 60;
  const nodeR = big ? Math.max(1.5, Math.min(5, 900 / n)) : Math.max(10, Math.min(26, 160 / Math.sqrt(n)));
  const r = Math.max(10, Math.min(width, height) / 2 - nodeR - (big ? 6 : 26));
  const placed = picture.x !== undefined && picture.y !== undefined && picture.x.length === n && picture.y.length === n;
  const pos = placed ? fitLayout(picture.x!, picture.y!, width, height, nodeR + (big ? 6 : 26)) : circleLayout(n, width / 2, height / 2, r);

  ctx.lineCap = "round";
  ctx.strokeStyle = big ? "rgba(120, 150, 180, 0.12)" : "rgba(120, 170, 210, 0.55)";
  ctx.lineWidth = big ? 0.6 : 2;
  ctx.beginPath();
  for (const [a, b] of picture.edges) {
    ctx.moveTo(pos[a]![0], pos[a]![1]);
    ctx.lineTo(pos[b]![0], pos[b]![1]);
  }
  ctx.stroke();
  if (picture.oneWay?.length) {
    ctx.setLineDash([4, 5]);
    ctx.strokeStyle = "rgba(245, 185, 64, 0.6)";
    ctx.beginPath();
    for (const [a, b] of picture.oneWay) {
      ctx.moveTo(pos[a]![0], pos[a]![1]);
      ctx.lineTo(pos[b]![0], pos[b]![1]);
    }
    ctx.stroke();
    ctx.setLineDash([]);
  }

  ctx.textAlign = "center";
  ctx.textBaseline = "middle";
  picture.nodes.forEach((node, i) => {
    const [x, y] = pos[i]!;
    ctx.beginPath();
    ctx.arc(x, y, nodeR, 0, 2 * Math.PI);
    ctx.fillStyle = node.fill;
    ctx.fill();
    if (node.ring) {
      ctx.lineWidth = big ? 1 : 3;
      ctx.strokeStyle = node.ring;
      ctx.stroke();
    }
    if (!big && node.label !== undefined) {
      ctx.fillStyle = "#08121a";
      ctx.font = `600 ${Math.round(nodeR * 0.75)}px system-ui, sans-serif`;
      ctx.fillText(node.label, x, y + 0.5);
    }
    if (!big && node.caption !== undefined) {
      ctx.fillStyle = "#9fb0c2";
      ctx.font = "11px system-ui, sans-serif";
      ctx.fillText(node.caption, x, y + nodeR + 12);
    }
  });
}
