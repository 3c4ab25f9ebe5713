import "../../../../src/runtime/polyfill.js";
import { describe, expect, it } from "vitest";
import { createLibp2pTransport, DEFAULT_PING_INTERVAL_MS } from "../../../../src/runtime/transport/libp2p.js";

describe("libp2p transport options", () => {
  it("refuses a ping interval that is not a positive number of ms, naming the option", async () => {
    for (const bad of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
      await expect(createLibp2pTransport({ pingIntervalMs: bad })).rejects.toThrow(/pingIntervalMs must be a positive number of milliseconds/);
    }
  });

  it("starts and stops with the default and with an explicit ping interval", async () => {
    expect(DEFAULT_PING_INTERVAL_MS).toBe(20_000);
    for (const pingIntervalMs of [undefined, 250]) {
      const t = await createLibp2pTransport(pingIntervalMs === undefined ? {} : { pingIntervalMs });
      await t.start();
      expect(t.addresses().length).toBeGreaterThan(0);
      await t.stop();
    }
  });
});
