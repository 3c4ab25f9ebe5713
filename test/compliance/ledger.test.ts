import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { MemoryLedger } from "../../src/runtime/ledger/memory.js";
import { LevelLedger } from "../../src/runtime/ledger/level.js";
import { LedgerLockedError, LedgerOpenError } from "../../src/runtime/ledger/errors.js";
import { EntropicError } from "../../src/core/errors.js";
import { ledgerComplianceSuite } from "./ledger-suite.js";

ledgerComplianceSuite("MemoryLedger", () => {
  const ledger = new MemoryLedger();
  return { ledger, reopen: () => ledger, dispose: async () => {} };
});

ledgerComplianceSuite("LevelLedger", () => {
  const folder = mkdtempSync(join(tmpdir(), "entropic-ledger-"));
  return {
    ledger: new LevelLedger(folder),
    reopen: () => new LevelLedger(folder),
    dispose: async () => rmSync(folder, { recursive: true, force: true }),
  };
});

describe("LevelLedger", () => {
  const folders: string[] = [];
  const ledgers: LevelLedger[] = [];
  function tempFolder(): string {
    const folder = mkdtempSync(join(tmpdir(), "entropic-ledger-"));
    folders.push(folder);
    return folder;
  }
  function ledgerAt(folder: string, options?: { sync?: boolean }): LevelLedger {
    const ledger = new LevelLedger(folder, options);
    ledgers.push(ledger);
    return ledger;
  }

  afterEach(async () => {
    for (const l of ledgers.splice(0)) await l.close();
    for (const f of folders.splice(0)) rmSync(f, { recursive: true, force: true });
  });

  it("refuses a folder another open ledger holds with LedgerLockedError naming the folder", async () => {
    const folder = tempFolder();
    const first = ledgerAt(folder);
    await first.open();
    const second = ledgerAt(folder);
    const error = await second.open().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LedgerLockedError);
    expect(error).toBeInstanceOf(EntropicError);
    expect(error).toMatchObject({ code: "LEDGER_LOCKED", folder });
    expect((error as Error).message).toContain(folder);
    expect((error as Error).message).toMatch(/another node process/);
    // Once the holder lets go, the folder opens and shows the holder's data.
    await first.commit({ meta: [["who", new Uint8Array([1])]] });
    await first.close();
    await second.open();
    expect(await second.getMeta("who")).toEqual(new Uint8Array([1]));
  });

  it("creates missing parent folders on open", async () => {
    const folder = join(tempFolder(), "a", "b", "node-1");
    const ledger = ledgerAt(folder);
    await ledger.open();
    await ledger.commit({ txs: [["t", new Uint8Array([1])]] });
    expect(await ledger.getTx("t")).toEqual(new Uint8Array([1]));
  });

  it("reports a path that cannot hold a database with LedgerOpenError", async () => {
    const file = join(tempFolder(), "not-a-folder");
    writeFileSync(file, "x");
    const error = await ledgerAt(file).open().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LedgerOpenError);
    expect(error).toMatchObject({ code: "LEDGER_OPEN_FAILED", folder: file });
    expect((error as Error).message).toContain(file);
  });

  it("with { sync: true } commits and reads back the same", async () => {
    const folder = tempFolder();
    const ledger = ledgerAt(folder, { sync: true });
    await ledger.open();
    await ledger.commit({ finalized: [["k", "cid"]], vertices: [["v", new Uint8Array([5])]] });
    await ledger.close();
    const again = ledgerAt(folder);
    await again.open();
    expect(await again.getFinal("k")).toBe("cid");
    expect(await again.getVertex("v")).toEqual(new Uint8Array([5]));
  });

  it("concurrent open calls share one open", async () => {
    const ledger = ledgerAt(tempFolder());
    await Promise.all([ledger.open(), ledger.open()]);
    await ledger.commit({ txs: [["t", new Uint8Array([1])]] });
    expect(await ledger.getTx("t")).toEqual(new Uint8Array([1]));
  });
});
