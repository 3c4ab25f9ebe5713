import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { DASHBOARD_KEY_FILE, loadDashboardKey, readDevnet, startDevnetSource } from "../../../../src/cli/dashboard/devnet-source.js";
import type { DashboardSnapshot } from "../../../../src/web-shared/dashboard-model.js";
import type { DashboardSource } from "../../../../src/cli/dashboard/store.js";
import { UsageError } from "../../../../src/core/errors.js";
import { type FakeDevnet, startFakeDevnet } from "../../../helpers/fake-node-api.js";

/** Resolve with the first snapshot that satisfies `ok`, or fail after `ms`. */
function waitFor(source: DashboardSource, ok: (s: DashboardSnapshot) => boolean, ms = 5000): Promise<DashboardSnapshot> {
  return new Promise((resolve, reject) => {
    if (ok(source.store.snapshot)) return resolve(source.store.snapshot);
    const timer = setTimeout(() => {
      stop();
      reject(new Error(`condition not met in ${ms} ms; last snapshot: ${JSON.stringify(source.store.snapshot).slice(0, 2000)}`));
    }, ms);
    const stop = source.store.subscribe(() => {
      if (!ok(source.store.snapshot)) return;
      clearTimeout(timer);
      stop();
      resolve(source.store.snapshot);
    });
  });
}

describe("devnet source", () => {
  let devnet: FakeDevnet | undefined;
  let source: DashboardSource | undefined;
  afterEach(async () => {
    await source?.close();
    await devnet?.close();
    source = devnet = undefined;
  });

  it("shows every node online with its peers, and resolves a double spend on every node", async () => {
    devnet = await startFakeDevnet({ nodes: 3, topology: "ring" });
    source = startDevnetSource(devnet.dir, { pollMs: 200 });
    const online = await waitFor(source, (s) => s.nodes.length === 3 && s.nodes.every((n) => n.online));
    expect(online.nodes.map((n) => n.peerId)).toEqual(devnet.nodes.map((n) => n.peerId));
    expect(online.nodes.map((n) => n.peers.length)).toEqual([2, 2, 2]);

    const view = await source.actions.doubleSpend!({});
    expect(view.cids[0]).not.toBe(view.cids[1]);
    expect(view.sentTo).toEqual([0, 1]);
    expect(devnet.nodes[0]!.submitted).toHaveLength(1);
    expect(devnet.nodes[1]!.submitted).toHaveLength(1);
    expect(devnet.nodes[0]!.submitted[0]!.nonce).toBe(devnet.nodes[1]!.submitted[0]!.nonce);
    expect(devnet.nodes[0]!.submitted[0]!.payload).not.toBe(devnet.nodes[1]!.submitted[0]!.payload);

    const done = await waitFor(source, (s) => s.doubleSpends[0]?.winner != null);
    const spend = done.doubleSpends[0]!;
    expect(view.cids).toContain(spend.winner);
    expect(spend.split).toBe(false);
    expect(spend.outcomes.map((o) => o.final)).toEqual([spend.winner, spend.winner, spend.winner]);
    const finals = done.finalizations.filter((f) => f.conflict === view.conflict);
    expect(new Set(finals.map((f) => f.node))).toEqual(new Set([0, 1, 2]));
    expect(finals.every((f) => f.cid === spend.winner && f.latencyMs >= 0)).toBe(true);

    const measured = await waitFor(source, (s) => s.metrics.some((m) => m.finalized === 1 && m.p50 !== null));
    expect(measured.metrics.reduce((a, m) => a + m.tps, 0)).toBe(1);
  });

  it("marks a stopped node offline and a node with a different ledger root", async () => {
    devnet = await startFakeDevnet({ nodes: 3 });
    source = startDevnetSource(devnet.dir, { pollMs: 200 });
    await waitFor(source, (s) => s.nodes.every((n) => n.online));
    devnet.nodes[1]!.rootOverride = "ff".repeat(32);
    await devnet.nodes[2]!.stop();
    const s = await waitFor(source, (snap) => !snap.nodes[2]!.online && snap.nodes[1]!.ledgerRoot === "ff".repeat(32));
    expect(s.nodes[2]!.error).toMatch(/ECONNREFUSED|fetch failed|timed out/);
    expect(s.nodes[0]!.online && s.nodes[1]!.online).toBe(true);
  });

  it("refuses a folder without a devnet.json, and keeps one key per devnet", () => {
    const empty = mkdtempSync(join(tmpdir(), "entropic-empty-"));
    expect(() => readDevnet(empty)).toThrow(UsageError);
    expect(() => readDevnet(empty)).toThrow(/devnet\.json: no such file/);
    const first = loadDashboardKey(empty);
    const path = join(empty, DASHBOARD_KEY_FILE);
    expect(existsSync(path)).toBe(true);
    expect(statSync(path).mode & 0o077).toBe(0);
    expect(loadDashboardKey(empty).publicKey).toEqual(first.publicKey);
    expect(readFileSync(path, "utf8").trim()).toMatch(/^[0-9a-f]{64}$/);
    writeFileSync(path, "not a key");
    expect(() => loadDashboardKey(empty)).toThrow(/expected 64 hex/);
  });
});
