// One process of bench/libp2p-floor.ts: entropic's built libp2p transport with the node's
// settings and nothing else (plain JavaScript: no TypeScript loader in the measured process).
// Talks to the parent over IPC: address → peers → meshed; load → done; stop.
import { resolve } from "node:path";
import { setInterval, clearInterval, setTimeout } from "node:timers";
import { pathToFileURL } from "node:url";

const dist = resolve(import.meta.dirname, "..", "..", "dist", "runtime");
const { createLibp2pTransport } = await import(pathToFileURL(resolve(dist, "transport", "libp2p.js")).href);
const { TOPICS } = await import(pathToFileURL(resolve(dist, "ports.js")).href);

const gossipBytes = Number(process.env.FLOOR_GOSSIP_BYTES);
const responseBytes = Number(process.env.FLOOR_RESPONSE_BYTES);
const requestBytes = Number(process.env.FLOOR_REQUEST_BYTES);
// FLOOR_GOSSIP: gossipsub options over the node's (JSON: D, Dlo, Dhi, Dlazy, heartbeatIntervalMs)
const t = await createLibp2pTransport({ gossip: { signaturePolicy: "StrictNoSign", ...JSON.parse(process.env.FLOOR_GOSSIP || "{}") } });
const counts = { delivered: 0, served: 0, answered: 0, failed: 0, published: 0, sent: 0 };
t.onMessage(() => {
  counts.delivered++;
  return "accept";
});
const response = new Uint8Array(responseBytes).fill(5);
t.onRequest(async () => {
  counts.served++;
  return response;
});
await t.start();
const send = (m) => void process.send(m);
send({ kind: "address", address: t.addresses()[0] });
let counter = 0;
process.on("message", (m) => {
  if (m.kind === "peers") {
    void (async () => {
      const mine = t.addresses()[0];
      // Dial those after this node in the list: one connection per pair, as a devnet's bootstrap makes.
      const after = m.addresses.slice(m.addresses.indexOf(mine) + 1);
      const deadline = Date.now() + 30_000;
      // Dial again whoever is still missing (a dial can fail while 16 processes start at once).
      for (let tries = 0; t.peers().length < m.addresses.length - 1 && Date.now() < deadline; tries++) {
        if (tries % 20 === 0) {
          const have = new Set(t.peers());
          await Promise.all(after.filter((a) => !have.has(a.slice(a.lastIndexOf("/") + 1))).map((a) => t.dial(a).catch(() => undefined)));
        }
        await new Promise((r) => setTimeout(r, 100));
      }
      send({ kind: "meshed", peers: t.peers().length });
    })().catch((err) => {
      // reported, not lost: the parent sees this process exit and stops the run
      process.stderr.write(`libp2p-floor child: meshing failed: ${err?.message ?? err}\n`);
      process.exit(1);
    });
  } else if (m.kind === "load") {
    for (const k of Object.keys(counts)) counts[k] = 0;
    const timers = [];
    const every = (perSecond, f) => {
      if (perSecond > 0) timers.push(setInterval(f, 1000 / perSecond));
    };
    every(m.rate.publish, () => {
      const body = new Uint8Array(gossipBytes).fill(7);
      new DataView(body.buffer).setUint32(0, counter++); // StrictNoSign names messages by content
      new DataView(body.buffer).setUint32(4, process.pid);
      counts.published++;
      void t.publish(TOPICS.tx, body).catch(() => undefined);
    });
    const body = new Uint8Array(requestBytes).fill(3);
    every(m.rate.requests, () => {
      const peers = t.peers();
      if (peers.length === 0) return;
      const peer = peers[Math.floor(Math.random() * peers.length)];
      counts.sent++;
      t.request(peer, body, { timeoutMs: 5000 }).then(
        () => void counts.answered++,
        () => void counts.failed++,
      );
    });
    setTimeout(() => {
      for (const x of timers) clearInterval(x);
      // answers in flight land within a second
      setTimeout(() => send({ kind: "done", ...counts }), 1000);
    }, m.seconds * 1000);
  } else {
    void t.stop().finally(() => process.exit(0));
  }
});
