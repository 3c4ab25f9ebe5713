// `entropic node --api-host`, `--announce` and `--key-seed`: bad values are one line and exit
// 2 before anything starts; good ones shape what the node binds and tells its peers.
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { keySeedFromLabel } from "../../src/runtime/node/key-label.js";
import { peerIdFromKeySeed } from "../../src/runtime/transport/keys.js";
import { entropic, repoRoot } from "../helpers/cli.js";

function expectUsage(args: string[], message: RegExp): void {
  const r = entropic(args);
  expect(r.stderr).toMatch(message);
  expect(r.stderr.trim().split("\n")).toHaveLength(1);
  expect(r.status).toBe(2);
}

describe("node: options for nodes on other hosts", () => {
  const dir = () => join(mkdtempSync(join(tmpdir(), "entropic-hosts-")), "node");

  it("rejects a bad --api-host, --announce or --key-seed with one line and exit 2", () => {
    expectUsage(["node", "--data", dir(), "--api-host", "1.2.3"], /--api-host "1\.2\.3": expected an IP address/);
    expectUsage(["node", "--data", dir(), "--api-host", "node-0"], /--api-host "node-0": expected an IP address/);
    // TEST-NET-3: never an address of this machine
    expectUsage(["node", "--data", dir(), "--api-host", "203.0.113.7"], /--api-host 203\.0\.113\.7: not an address of this machine/);
    expectUsage(["node", "--data", dir(), "--announce", "node-0:4001"], /--announce "node-0:4001": not a multiaddr/);
    expectUsage(["node", "--data", dir(), "--announce", "/ip4/10.0.0.5/udp/4001"], /--announce .*expected a TCP address/);
    expectUsage(["node", "--data", dir(), "--announce", "/ip4/0.0.0.0/tcp/4001"], /0\.0\.0\.0 is not an address peers can dial/);
    expectUsage(["node", "--data", dir(), "--announce", "/dns4/node-0/tcp/0"], /peers need the real port/);
    expectUsage(["node", "--data", dir(), "--announce", `/ip4/10.0.0.5/tcp/4001/p2p/${peerIdFromKeySeed(keySeedFromLabel("x"))}`], /leave out \/p2p\//);
    expectUsage(["node", "--data", dir(), "--key-seed", "node 0"], /--key-seed "node 0": a label is/);
    expectUsage(["node", "--data", dir(), "--key-seed", "x".repeat(65)], /--key-seed/);
  });

  it("refuses a --key-seed whose key differs from the folder's key file (exit 2)", () => {
    // a folder holding another node's key
    const data = dir();
    mkdirSync(data, { recursive: true });
    writeFileSync(join(data, "node.key"), `${"11".repeat(32)}\n`, { mode: 0o600 });
    expectUsage(["node", "--data", data, "--key-seed", "node-0"], /node\.key holds another key than --key-seed node-0 gives/);
  });

  it("binds the API to --api-host, announces only --announce, and takes its key from --key-seed", async () => {
    const data = dir();
    const child = spawn(process.execPath, [join(repoRoot, "dist/cli/main.js"), "node", "--data", data, "--key-seed", "node-7", "--listen", "/ip4/127.0.0.1/tcp/0", "--announce", "/dns4/node-7.example.test/tcp/4001", "--announce", "/ip4/198.51.100.7/tcp/4001", "--api-host", "127.0.0.1"], { stdio: "ignore" });
    try {
      const info = await waitFor(join(data, "node.json"), child.pid!);
      const id = peerIdFromKeySeed(keySeedFromLabel("node-7"));
      expect(info.peerId).toBe(id);
      expect(info.multiaddrs).toEqual([`/dns4/node-7.example.test/tcp/4001/p2p/${id}`, `/ip4/198.51.100.7/tcp/4001/p2p/${id}`]);
      expect(info.api).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const status = (await (await fetch(`${info.api}/v1/status`)).json()) as { peerId: string; addresses: string[] };
      expect(status.peerId).toBe(id);
      expect(status.addresses).toEqual(info.multiaddrs);
    } finally {
      child.kill("SIGTERM");
    }
  }, 30_000);
});

async function waitFor(path: string, pid: number): Promise<{ peerId: string; api: string; multiaddrs: string[] }> {
  const t0 = Date.now();
  for (;;) {
    if (existsSync(path)) {
      const info = JSON.parse(readFileSync(path, "utf8")) as { pid: number; peerId: string; api: string; multiaddrs: string[] };
      if (info.pid === pid) return info;
    }
    if (Date.now() - t0 > 20_000) throw new Error(`${path} not written in 20 s`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
