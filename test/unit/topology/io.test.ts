import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { ParseError } from "../../../src/core/errors.js";
import { Xoshiro128 } from "../../../src/core/prng.js";
import { type Csr, edgeCount, neighbors } from "../../../src/topology/csr.js";
import { wattsStrogatz } from "../../../src/topology/generators.js";
import { randomGeometric } from "../../../src/topology/geometric.js";
import {
  csrFromGraph,
  csrFromGraphFile,
  graphFormatOf,
  graphFromCsr,
  parseEdgeList,
  parseGexf,
  parseGraphFile,
  parseGraphml,
  writeEdgeList,
  writeGexf,
  writeGraphFile,
  writeGraphml,
} from "../../../src/topology/io.js";

function edgeSet(g: Csr, keys?: readonly string[]): string[] {
  const out: string[] = [];
  const k = (i: number) => (keys ? keys[i]! : String(i));
  for (let u = 0; u < g.n; u++) for (const v of neighbors(g, u)) if (u < v) out.push([k(u), k(v)].sort().join("|"));
  return out.sort();
}

function parseError(fn: () => unknown): ParseError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ParseError) return e;
    throw e;
  }
  throw new Error("expected a ParseError");
}

const formats = [
  ["graph.graphml", writeGraphml, parseGraphml],
  ["graph.gexf", writeGexf, parseGexf],
  ["graph.edges", writeEdgeList, parseEdgeList],
] as const;

describe("round trips", () => {
  for (const [file, write, parse] of formats) {
    it(`${file}: CSR → text → CSR keeps n, the numbering and the edge set`, () => {
      fc.assert(
        fc.property(fc.integer({ min: 3, max: 40 }), fc.integer({ min: 0, max: 2 ** 31 }), (n, s) => {
          // p = 0.6 on a sparse lattice leaves some nodes isolated now and then.
          const g = wattsStrogatz(n, 2, 0.6, new Xoshiro128(s));
          const text = write(graphFromCsr(g));
          const back = csrFromGraph(parse(text, file));
          expect(back.csr.n).toBe(n);
          expect(back.keys).toEqual(Array.from({ length: n }, (_, i) => String(i)));
          expect(edgeSet(back.csr)).toEqual(edgeSet(g));
          expect(back.dropped).toEqual({ selfLoops: 0, duplicates: 0 });
        }),
        { numRuns: 40 },
      );
    });

    it(`${file}: string keys keep their order, and writing is byte-for-byte deterministic`, () => {
      const g = wattsStrogatz(12, 4, 0.3, new Xoshiro128(3));
      const keys = Array.from({ length: 12 }, (_, i) => `drone-${(i * 7) % 12}`);
      const a = write(graphFromCsr(g, { keys }));
      expect(write(graphFromCsr(g, { keys }))).toBe(a);
      const back = csrFromGraph(parse(a, file));
      expect(back.keys).toEqual(keys);
      expect(edgeSet(back.csr, back.keys)).toEqual(edgeSet(g, keys));
    });
  }

  it("keeps positions as node attributes through GraphML and GEXF", () => {
    const g = randomGeometric(30, 0.3, new Xoshiro128(8));
    const graph = graphFromCsr(g, { positions: g.positions, dim: 2 });
    for (const text of [writeGraphml(graph)]) {
      const back = parseGraphml(text, "rgg.graphml");
      expect(back.getNodeAttribute("7", "x")).toBe(g.positions[14]);
      expect(back.getNodeAttribute("7", "y")).toBe(g.positions[15]);
    }
    const gexf = parseGexf(writeGexf(graph), "rgg.gexf");
    expect(gexf.getNodeAttribute("7", "x")).toBeCloseTo(g.positions[14]!, 6);
  });

  it("parseGraphFile and writeGraphFile pick the format by extension", () => {
    const g = wattsStrogatz(20, 4, 0.2, new Xoshiro128(1));
    for (const name of ["a.graphml", "b.GEXF", "c.edges", "d.txt", "e.edgelist", "f.el"]) {
      const text = writeGraphFile(graphFromCsr(g), name);
      expect(edgeSet(csrFromGraphFile(text, name).csr)).toEqual(edgeSet(g));
      expect(parseGraphFile(text, name).order).toBe(20);
    }
    expect(graphFormatOf("x/y.z/graph.GraphML")).toBe("graphml");
    const e = parseError(() => parseGraphFile("", "graph.csv"));
    expect(e.file).toBe("graph.csv");
    expect(e.message).toMatch(/unknown graph file type ".csv"/);
  });
});

describe("csrFromGraph", () => {
  it("numbers nodes by file order when keys are not 0..n−1, and drops self-loops and repeats", () => {
    const g = parseEdgeList("b a\na c\nc c\nc a\n", "x.edges");
    const r = csrFromGraph(g);
    expect(r.keys).toEqual(["b", "a", "c"]);
    expect(r.index.get("c")).toBe(2);
    expect(edgeCount(r.csr)).toBe(2);
    expect(r.dropped.selfLoops).toBe(1);
  });

  it("numbers 0..n−1 keys numerically whatever their order in the file, unless told otherwise", () => {
    const text = "3 1\n0 2\n1 2\n";
    expect(csrFromGraph(parseEdgeList(text, "x.edges")).keys).toEqual(["0", "1", "2", "3"]);
    expect(csrFromGraph(parseEdgeList(text, "x.edges"), "insertion").keys).toEqual(["3", "1", "0", "2"]);
    expect(() => csrFromGraph(parseEdgeList("a b", "x.edges"), "numeric")).toThrow(RangeError);
  });

  it("treats directed and parallel edges as one undirected edge", () => {
    const xml = `<?xml version="1.0"?>
<graphml xmlns="http://graphml.graphdrawing.org/xmlns">
  <graph edgedefault="directed">
    <node id="0"/><node id="1"/><node id="2"/>
    <edge source="0" target="1"/><edge source="1" target="0"/><edge source="1" target="2"/>
  </graph>
</graphml>`;
    const r = csrFromGraph(parseGraphml(xml, "d.graphml"));
    expect(edgeCount(r.csr)).toBe(2);
    expect(r.dropped.duplicates).toBe(1);
  });
});

describe("parse errors name the file and the place", () => {
  it("malformed GraphML: an unclosed tag, with line and column", () => {
    const text = `<?xml version="1.0"?>\n<graphml>\n  <graph>\n    <node id="a">\n  </graph>\n</graphml>\n`;
    const e = parseError(() => parseGraphml(text, "swarm.graphml"));
    expect(e.file).toBe("swarm.graphml");
    expect(e.line).toBeGreaterThan(1);
    expect(e.column).toBeGreaterThan(0);
    expect(e.message).toMatch(new RegExp(`^swarm\\.graphml:${e.line}:${e.column}: malformed XML`));
  });

  it("a mismatched end tag, which xmldom silently repairs, is fatal at the end tag", () => {
    const e = parseError(() => parseGexf(`<gexf>\n<graph>\n<nodes><node id="1"></nodes>\n</graph></gexf>`, "bad.gexf"));
    expect(e.code).toBe("PARSE_ERROR");
    expect(e.message).toBe("bad.gexf:3:21: malformed XML: end tag </nodes> does not match <node> opened at 3:8");
  });

  it("the nesting check skips comments, CDATA, doctype subsets and quoted '>'", () => {
    const ok = `<?xml version="1.0"?>
<!DOCTYPE graphml [ <!ENTITY e "x"> ]>
<!-- </graph> in a comment -->
<graphml><graph edgedefault="undirected">
  <node id="a>b"/><node id='c'><data key="k"><![CDATA[</node>]]></data></node>
  <edge source="a>b" target="c"/>
</graph></graphml>`;
    expect(parseGraphml(ok, "ok.graphml").order).toBe(2);
  });

  it("a repeated attribute (xmldom's fatal error) and text that is not XML", () => {
    expect(parseError(() => parseGraphml('<graphml><graph><node id="a" id="b"/></graph></graphml>', "r.graphml")).line).toBe(1);
    expect(parseError(() => parseGraphml("not xml at all", "t.graphml")).message).toMatch(/^t\.graphml:1:1: /);
  });

  it("GraphML edges to undeclared nodes, duplicate ids and wrong roots point at the element", () => {
    const edge = parseError(() =>
      parseGraphml('<graphml>\n<graph>\n<node id="a"/>\n  <edge source="a" target="zz"/>\n</graph>\n</graphml>', "e.graphml"),
    );
    expect(edge.line).toBe(4);
    expect(edge.column).toBe(3);
    expect(edge.message).toMatch(/target "zz" is not a declared node/);
    const dup = parseError(() => parseGraphml('<graphml><graph>\n<node id="a"/>\n<node id="a"/></graph></graphml>', "d.graphml"));
    expect(dup.line).toBe(3);
    expect(dup.message).toMatch(/duplicate node id "a"/);
    expect(parseError(() => parseGraphml("<gexf><graph/></gexf>", "w.graphml")).message).toMatch(/expected a <graphml> root/);
    expect(parseError(() => parseGexf("<gexf></gexf>", "w.gexf")).message).toMatch(/no <graph> element/);
  });

  it("edge lists: a line with extra fields, at the extra field", () => {
    const e = parseError(() => parseEdgeList("# comment\n0 1\n\n1   2 fast # weight?\n", "w.edges"));
    expect(e.file).toBe("w.edges");
    expect(e.line).toBe(4);
    expect(e.column).toBe(7);
    expect(e.message).toBe('w.edges:4:7: expected "u v" (two node ids), optionally a weight or a dict of edge attributes; found 3 fields');
  });

  it("edge lists: comments, blank lines, tabs, CRLF and single-id node declarations are fine", () => {
    const g = parseEdgeList("# header\r\n0\t1\r\n\r\n2   # isolated\r\n1 3 # trailing\r\n", "ok.edges");
    expect(g.order).toBe(4);
    expect(g.size).toBe(2);
    expect(g.degree("2")).toBe(0);
  });
});
