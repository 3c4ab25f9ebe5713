/**
 * A small canvas chart: lines (with gaps at null) or bars over a numeric x axis, nice
 * ticks, a legend. Enough for live series of a few hundred points; the HTML report uses
 * a full chart library instead.
 */

export interface Series {
  readonly name: string;
  readonly color: string;
  /** [x, y] pairs in increasing x; a null y breaks the line */
  readonly points: readonly (readonly [number, number | null])[];
  readonly style?: "line" | "bars";
}

export interface ChartOptions {
  readonly series: readonly Series[];
  readonly formatX?: (x: number) => string;
  readonly formatY?: (y: number) => string;
  /** lower bound of the y axis (default: the data's, or 0 when all data are positive) */
  readonly yMin?: number;
  /** shown in the middle when there is no data */
  readonly emptyText?: string;
  readonly legend?: boolean;
}

const AXIS = "#7d8b9c";
const GRID = "#223040";
const FONT = '11px system-ui, -apple-system, "Segoe UI", "DejaVu Sans", sans-serif';

/** Size the canvas backing store to its CSS box at the device pixel ratio; returns the CSS size. */
export function fitCanvas(canvas: HTMLCanvasElement): { ctx: CanvasRenderingContext2D; width: number; height: number } {
  const ratio = window.devicePixelRatio || 1;
  const width = Math.max(1, canvas.clientWidth);
  const height = Math.max(1, canvas.clientHeight);
  if (canvas.width !== Math.round(width * ratio) || canvas.height !== Math.round(height * ratio)) {
    canvas.width = Math.round(width * ratio);
    canvas.height = Math.round(height * ratio);
  }
  const ctx = canvas.getContext("2d")!;
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  ctx.clearRect(0, 0, width, height);
  return { ctx, width, height };
}

/** About `count` round tick values covering [min, max]. */
export function niceTicks(min: number, max: number, count: number): number[] {
  if (!(max > min)) return [min];
  const raw = (max - min) / Math.max(1, count);
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * magnitude).find((s) => s >= raw) ?? 10 * magnitude;
  const ticks: number[] = [];
  for (let v = Math.ceil(min / step) * step; v <= max + step * 1e-9; v += step) ticks.push(Math.abs(v) < step * 1e-9 ? 0 : v);
  return ticks;
}

/** A compact number: 1234 → "1.2k", 0.000123 → "1.2e-4". */
export function formatNumber(v: number): string {
  const a = Math.abs(v);
  if (a === 0) return "0";
  if (a >= 1e6) return `${+(v / 1e6).toFixed(1)}M`;
  if (a >= 1e4) return `${+(v / 1e3).toFixed(1)}k`;
  if (a >= 100) return v.toFixed(0);
  if (a >= 0.01) return `${+v.toFixed(a >= 10 ? 1 : a >= 1 ? 2 : 3)}`;
  return v.toExponential(1);
}

export function drawChart(canvas: HTMLCanvasElement, options: ChartOptions): void {
  const { ctx, width, height } = fitCanvas(canvas);
  const formatX = options.formatX ?? formatNumber;
  const formatY = options.formatY ?? formatNumber;
  const xs: number[] = [];
  const ys: number[] = [];
  for (const s of options.series) {
    for (const [x, y] of s.points) {
      xs.push(x);
      if (y !== null && Number.isFinite(y)) ys.push(y);
    }
  }
  ctx.font = FONT;
  const legendHeight = options.legend === false ? 4 : 18;
  let left = 44;
  const right = 10;
  const top = legendHeight + 4;
  const bottom = 20;
  let plotW = Math.max(10, width - left - right);
  const plotH = Math.max(10, height - top - bottom);
  if (ys.length === 0) {
    ctx.fillStyle = AXIS;
    ctx.textAlign = "center";
    ctx.textBaseline = "middle";
    ctx.fillText(options.emptyText ?? "no data yet", left + plotW / 2, top + plotH / 2);
    return;
  }
  let xMin = Math.min(...xs);
  let xMax = Math.max(...xs);
  if (xMax === xMin) xMax = xMin + 1;
  const hasBars = options.series.some((s) => s.style === "bars");
  if (hasBars) {
    // Bars are centred on their x: leave half a bar of room at each end.
    const pad = (xMax - xMin) / Math.max(1, xs.length / options.series.length) / 2;
    xMin -= pad;
    xMax += pad;
  }
  let yMin = options.yMin ?? Math.min(...ys);
  let yMax = Math.max(...ys);
  if (options.yMin === undefined && yMin > 0 && yMin < yMax * 0.5) yMin = 0;
  if (yMax === yMin) {
    const pad = Math.abs(yMax) * 0.1 || 1;
    yMax += pad;
    if (options.yMin === undefined) yMin -= pad;
  }
  const yTicks = niceTicks(yMin, yMax, Math.max(2, Math.floor(plotH / 28)));
  // Close the axis on round values: one tick step beyond the data at either end if needed.
  const tickStep = yTicks.length > 1 ? yTicks[1]! - yTicks[0]! : 0;
  if (tickStep > 0) {
    if (yTicks[0]! > yMin + tickStep * 1e-9) yTicks.unshift(yTicks[0]! - tickStep);
    if (yTicks[yTicks.length - 1]! < yMax - tickStep * 1e-9) yTicks.push(yTicks[yTicks.length - 1]! + tickStep);
  }
  yMin = Math.min(yMin, yTicks[0]!);
  yMax = Math.max(yMax, yTicks[yTicks.length - 1]!);
  // Room for the widest y label, so "100 ms" is never clipped.
  left = Math.max(32, 12 + Math.max(...yTicks.map((t) => ctx.measureText(formatY(t)).width)));
  plotW = Math.max(10, width - left - right);
  const px = (x: number) => left + ((x - xMin) / (xMax - xMin)) * plotW;
  const py = (y: number) => top + plotH - ((y - yMin) / (yMax - yMin)) * plotH;

  ctx.lineWidth = 1;
  ctx.strokeStyle = GRID;
  ctx.fillStyle = AXIS;
  ctx.textAlign = "right";
  ctx.textBaseline = "middle";
  for (const t of yTicks) {
    const y = Math.round(py(t)) + 0.5;
    ctx.beginPath();
    ctx.moveTo(left, y);
    ctx.lineTo(left + plotW, y);
    ctx.stroke();
    ctx.fillText(formatY(t), left - 6, y);
  }
  ctx.textAlign = "center";
  ctx.textBaseline = "top";
  const xTicks = niceTicks(xMin, xMax, Math.max(2, Math.floor(plotW / 90)));
  for (const t of xTicks) {
    if (t < xMin || t > xMax) continue;
    ctx.fillText(formatX(t), px(t), top + plotH + 5);
  }
  ctx.strokeStyle = AXIS;
  ctx.beginPath();
  ctx.moveTo(left + 0.5, top);
  ctx.lineTo(left + 0.5, top + plotH + 0.5);
  ctx.lineTo(left + plotW, top + plotH + 0.5);
  ctx.stroke();

  ctx.save();
  ctx.beginPath();
  ctx.rect(left, top - 2, plotW, plotH + 4);
  ctx.clip();
  for (const s of options.series) {
    if (s.style === "bars") {
      const n = Math.max(1, s.points.length);
      const barW = Math.max(1, (plotW / n) * 0.7);
      ctx.fillStyle = s.color;
      const base = py(Math.max(yMin, 0));
      for (const [x, y] of s.points) {
        if (y === null) continue;
        const top = py(y);
        ctx.fillRect(px(x) - barW / 2, Math.min(top, base), barW, Math.max(1, Math.abs(base - top)));
      }
      continue;
    }
    ctx.strokeStyle = s.color;
    ctx.lineWidth = 1.8;
    ctx.lineJoin = "round";
    ctx.beginPath();
    let drawing = false;
    let lone: [number, number] | null = null;
    for (const [x, y] of s.points) {
      if (y === null || !Number.isFinite(y)) {
        drawing = false;
        continue;
      }
      if (drawing) {
        ctx.lineTo(px(x), py(y));
        lone = null;
      } else {
        ctx.moveTo(px(x), py(y));
        lone = [px(x), py(y)];
      }
      drawing = true;
    }
    ctx.stroke();
    if (lone) {
      ctx.fillStyle = s.color;
      ctx.beginPath();
      ctx.arc(lone[0], lone[1], 2.5, 0, 2 * Math.PI);
      ctx.fill();
    }
  }
  ctx.restore();

  if (options.legend !== false) {
    ctx.textAlign = "left";
    ctx.textBaseline = "middle";
    let x = left;
    for (const s of options.series) {
      ctx.fillStyle = s.color;
      ctx.fillRect(x, 6, 12, 3);
      ctx.fillStyle = AXIS;
      ctx.fillText(s.name, x + 16, 8);
      x += 28 + ctx.measureText(s.name).width;
    }
  }
}
