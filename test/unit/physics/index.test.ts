import { describe, expect, it } from "vitest";
import * as physics from "../../../src/physics/index.js";
import * as complex from "../../../src/physics/complex.js";
import * as eigen from "../../../src/physics/eigen.js";
import * as density from "../../../src/physics/density.js";
import * as partial from "../../../src/physics/partial.js";
import * as entropy from "../../../src/physics/entropy.js";
import * as summation from "../../../src/physics/summation.js";
import * as potts from "../../../src/physics/potts.js";
import * as cooling from "../../../src/physics/cooling.js";

/** Module exports deliberately kept out of the public index. */
const internal = new Set(["complexComponentSum"]);

describe("physics index", () => {
  it("re-exports every public function of every module, unchanged", () => {
    const modules = { complex, eigen, density, partial, entropy, summation, potts, cooling };
    const index = physics as Record<string, unknown>;
    for (const [name, mod] of Object.entries(modules)) {
      for (const [key, value] of Object.entries(mod)) {
        if (internal.has(key)) continue;
        expect(index[key], `${name}.${key}`).toBe(value);
      }
    }
    expect(Object.keys(physics).length).toBeGreaterThan(50);
  });
});
