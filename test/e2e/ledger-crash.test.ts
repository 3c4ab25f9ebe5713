/**
 * kill -9 durability of the LevelDB ledger: a child process commits numbered batches and
 * acknowledges each on stdout after its commit resolved; the test kills it with SIGKILL,
 * reopens the folder and checks that every acknowledged batch is there in full and that
 * no batch is there in part. Two kill/restart rounds on one folder (the second resumes after the first kill).
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { LevelLedger } from "../../src/runtime/ledger/level.js";
import { LedgerLockedError } from "../../src/runtime/ledger/errors.js";
import { TXS_PER_BATCH, batchFor, conflictKey, txCid, u32, vertexCid } from "./fixtures/ledger-writer.js";

const repoRoot = resolve(import.meta.dirname, "../..");
const writer = resolve(import.meta.dirname, "fixtures/ledger-writer.ts");
const ACKS_BEFORE_KILL = 50;
const ROUNDS = 2;

interface Round {
  /** batch numbers the child acknowledged */
  acked: number[];
  /** where the child resumed */
  resumedAt: number;
  /** whether, while the child ran, opening the folder here failed with LedgerLockedError */
  lockedWhileRunning: boolean;
}

/** Run the writer until it acknowledged ACKS_BEFORE_KILL batches, then SIGKILL it. */
function runAndKill(folder: string): Promise<Round> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ["--import", "tsx", writer, folder], { cwd: repoRoot, stdio: ["ignore", "pipe", "pipe"] });
    const round: Round = { acked: [], resumedAt: -1, lockedWhileRunning: false };
    let stderr = "";
    let buffered = "";
    let probing: Promise<void> | undefined;
    const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout.on("data", (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split("\n");
      buffered = lines.pop()!;
      for (const line of lines) {
        if (line.startsWith("open ")) {
          round.resumedAt = Number(line.slice(5));
          // The child holds the folder now: a second opener must be told so.
          probing = new LevelLedger(folder).open().then(
            () => fail(new Error("opened a folder a live process holds")),
            (e: unknown) => void (round.lockedWhileRunning = e instanceof LedgerLockedError),
          );
        } else {
          round.acked.push(Number(line));
          if (round.acked.length === ACKS_BEFORE_KILL) child.kill("SIGKILL");
        }
      }
    });
    child.on("error", fail);
    child.on("close", async (code, signal) => {
      clearTimeout(timer);
      await probing;
      if (signal !== "SIGKILL" || round.acked.length < ACKS_BEFORE_KILL) {
        fail(new Error(`writer ended with code ${code}, signal ${signal} after ${round.acked.length} acks: ${stderr}`));
      } else {
        done(round);
      }
    });
  });
}

describe("LevelLedger survives kill -9", () => {
  const folder = mkdtempSync(join(tmpdir(), "entropic-ledger-crash-"));
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  it("keeps every acknowledged batch, whole, and no batch in part, across two kills", async () => {
    const acked = new Set<number>();
    let expectedResume = 0;
    for (let r = 0; r < ROUNDS; r++) {
      const round = await runAndKill(folder);
      expect(round.lockedWhileRunning).toBe(true);
      // The child resumes after the last batch that reached the disk, which is at least
      // the last one it acknowledged before the previous kill.
      expect(round.resumedAt).toBeGreaterThanOrEqual(expectedResume);
      expect(round.acked).toEqual(Array.from({ length: round.acked.length }, (_, i) => round.resumedAt + i));
      for (const n of round.acked) acked.add(n);
      expectedResume = Math.max(...round.acked) + 1;
    }

    const ledger = new LevelLedger(folder);
    await ledger.open();
    try {
      // Every acknowledged batch is there, byte for byte.
      for (const n of acked) {
        const batch = batchFor(n);
        for (const [cid, bytes] of batch.txs!) expect(await ledger.getTx(cid)).toEqual(bytes);
        expect(await ledger.getVertex(vertexCid(n))).toEqual(batch.vertices![0][1]);
        expect(await ledger.getFinal(conflictKey(n))).toBe(txCid(n, 0));
      }
      // Whatever else reached the disk is whole too, and the stored batches are 0..last
      // with no gap (a torn log loses only a suffix of batches).
      const stored: number[] = [];
      for await (const [key] of ledger.finalized()) stored.push(Number(key.slice("conflict-".length)));
      stored.sort((a, b) => a - b);
      expect(stored).toEqual(Array.from({ length: stored.length }, (_, i) => i));
      const last = stored.length - 1;
      expect(last).toBeGreaterThanOrEqual(Math.max(...acked));
      let txCount = 0;
      for await (const [cid, bytes] of ledger.txs()) {
        const [, seq, part] = /^tx-(\d+)-(\d+)$/.exec(cid)!.map(Number);
        expect(bytes).toEqual(batchFor(seq).txs![part][1]);
        txCount++;
      }
      expect(txCount).toBe(stored.length * TXS_PER_BATCH);
      let vertexCount = 0;
      for await (const _ of ledger.vertices()) vertexCount++;
      expect(vertexCount).toBe(stored.length);
      expect(await ledger.getMeta("next")).toEqual(u32(last + 1));
    } finally {
      await ledger.close();
    }
  }, 30_000);
});
