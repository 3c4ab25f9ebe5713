import { describe, expect, it } from "vitest";
import "../../../src/runtime/polyfill.js";

describe("Promise.withResolvers polyfill", () => {
  it("provides a working Promise.withResolvers", async () => {
    const withResolvers = (Promise as unknown as { withResolvers<T>(): { promise: Promise<T>; resolve(v: T): void; reject(e: unknown): void } })
      .withResolvers;
    expect(typeof withResolvers).toBe("function");
    const ok = withResolvers.call(Promise) as { promise: Promise<number>; resolve(v: number): void };
    ok.resolve(42);
    await expect(ok.promise).resolves.toBe(42);
    const bad = withResolvers.call(Promise) as { promise: Promise<number>; reject(e: unknown): void };
    bad.reject(new Error("no"));
    await expect(bad.promise).rejects.toThrow("no");
  });
});
