import { transportComplianceSuite, type TransportNetwork } from "./transport-suite.js";
import type { Transport } from "../../src/runtime/ports.js";
import { MemoryNetwork } from "../../src/runtime/transport/memory.js";
import { createLibp2pTransport } from "../../src/runtime/transport/libp2p.js";

/** Tracks what a network created so cleanup can stop it all. */
function network(create: () => Promise<Transport>): TransportNetwork {
  const created: Transport[] = [];
  return {
    async create() {
      const transport = await create();
      created.push(transport);
      return transport;
    },
    async cleanup() {
      await Promise.all(created.splice(0).map((t) => t.stop()));
    },
  };
}

transportComplianceSuite("MemoryTransport", async () => {
  const hub = new MemoryNetwork();
  return network(async () => hub.createTransport());
});

// Real TCP on 127.0.0.1; a fast heartbeat so gossip meshes form within a few 100 ms.
transportComplianceSuite("libp2p", async () => network(() => createLibp2pTransport({ gossip: { heartbeatIntervalMs: 100 } })));
