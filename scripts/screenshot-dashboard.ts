/**
 * `npm run screenshots:dashboard`: regenerates docs/img/dashboard.png, the README's picture
 * of the live dashboard. Starts five nodes — a real `entropic devnet` with `--real` (what
 * the npm script passes), otherwise fake ones that speak the node HTTP API
 * (test/helpers/fake-node-api.ts) — runs the built `entropic dashboard --devnet` against
 * them, feeds the nodes signed transactions for half a minute (TRAFFIC_SECONDS), presses
 * Double-spend in headless Chromium three times, and screenshots the page.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { createTx } from "../src/core/tx.js";
import { txToJson } from "../src/runtime/api/json.js";
import { nodeSignatures } from "../src/runtime/crypto-node.js";
import { launchBrowser } from "../test/helpers/browser.js";
import { startDashboard } from "../test/helpers/dashboard-process.js";
import { startFakeDevnet } from "../test/helpers/fake-node-api.js";

const root = resolve(import.meta.dirname, "..");
const out = join(root, "docs/img/dashboard.png");
const TRAFFIC_SECONDS = Number(process.env.TRAFFIC_SECONDS ?? 30);
const NODES = 5;

interface Network {
  readonly dir: string;
  readonly apis: readonly string[];
  close(): Promise<void>;
}

/** `entropic devnet --nodes 5` in a temp folder; resolves once every node answers. */
async function startRealDevnet(): Promise<Network> {
  const dir = join(mkdtempSync(join(tmpdir(), "entropic-shot-")), "devnet");
  const child: ChildProcess = spawn(process.execPath, [join(root, "dist/cli/main.js"), "devnet", "--nodes", String(NODES), "--dir", dir], { stdio: "inherit" });
  const exited = new Promise<void>((done) => child.once("exit", () => done()));
  const close = async () => {
    child.kill("SIGINT");
    await exited;
  };
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`entropic devnet exited with status ${child.exitCode}`);
    if (Date.now() > deadline) {
      await close();
      throw new Error("entropic devnet did not come up within 60 s");
    }
    if (existsSync(join(dir, "devnet.json"))) {
      const apis = (JSON.parse(readFileSync(join(dir, "devnet.json"), "utf8")) as { nodes: { api: string }[] }).nodes.map((n) => n.api);
      const up = await Promise.all(apis.map((api) => fetch(`${api}/v1/status`).then((r) => r.ok, () => false)));
      if (up.every(Boolean)) return { dir, apis, close };
    }
    await new Promise((r) => setTimeout(r, 500));
  }
}

async function startFakeNetwork(): Promise<Network> {
  const fake = await startFakeDevnet({ nodes: NODES, finalizeDelayMs: 90, jitterMs: 160, protocol: "snowball" });
  return { dir: fake.dir, apis: fake.nodes.map((n) => n.api), close: () => fake.close() };
}

const devnet = process.argv.includes("--real") ? await startRealDevnet() : await startFakeNetwork();
const dashboard = await startDashboard(["--devnet", devnet.dir]);
const browser = await launchBrowser();
try {
  const page = await browser.newPage({ viewport: { width: 1440, height: 1000 }, deviceScaleFactor: 1 });
  await page.goto(dashboard.url);
  await page.waitForFunction((n) => (globalThis as unknown as { __entropicDashboard: { devnet: { online: number } | null } }).__entropicDashboard.devnet?.online === n, NODES, {
    timeout: 30_000,
  });

  // A few wallets sending to random nodes, at a rate that swells and ebbs so the charts have a shape.
  const wallets = Array.from({ length: 8 }, (_, i) => ({ keys: nodeSignatures.generateKeyPair(new Uint8Array(32).fill(i + 1)), nonce: 0 }));
  const started = Date.now();
  let sent = 0;
  let spends = 0;
  while (Date.now() - started < TRAFFIC_SECONDS * 1000) {
    const t = (Date.now() - started) / 1000;
    const rate = 9 + 6 * Math.sin(t / 3.5) + 3 * Math.sin(t * 1.3);
    const wallet = wallets[sent % wallets.length]!;
    const tx = createTx(nodeSignatures, wallet.keys, wallet.nonce++, new TextEncoder().encode(`payment ${sent}`));
    const api = devnet.apis[sent % devnet.apis.length]!;
    await fetch(`${api}/v1/tx`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(txToJson(tx)) });
    sent++;
    if (t > (spends + 1) * (TRAFFIC_SECONDS / 4) && spends < 3) {
      spends++;
      await page.click("#double-spend");
    }
    await new Promise((r) => setTimeout(r, 1000 / Math.max(1, rate)));
  }
  await page.waitForTimeout(1500);
  mkdirSync(join(root, "docs/img"), { recursive: true });
  await page.screenshot({ path: out, fullPage: false });
  console.log(`wrote ${out} (${sent} transactions, ${spends} double spends)`);
} finally {
  await browser.close();
  await dashboard.stop();
  await devnet.close();
}
