/**
 * Which generators a run draws from. `xoshiro` is entropic's own (fast, independent named
 * streams). `python` uses the generators the seeds' code uses — CPython's `random` for the
 * graph (networkx) and numpy's legacy `RandomState` for the protocol — so a run with seed s
 * replays the seed's own program run after `random.seed(s); np.random.seed(s)` bit for bit.
 */
import { type Rng, createRng } from "../core/prng.js";
import { PythonRandom } from "../core/python-random.js";
import { NumpyRandomState } from "../core/numpy-random.js";

export const rngFamilies = ["xoshiro", "python"] as const;
export type RngFamily = (typeof rngFamilies)[number];

/** A stream factory for one run. Ask for each purpose once: a second call restarts that stream. */
export function rngFactory(family: RngFamily, seed: number): (purpose: string) => Rng {
  if (family === "xoshiro") return (purpose) => createRng(seed, purpose);
  return (purpose) => {
    if (purpose === "topology") return new PythonRandom(seed);
    if (purpose === "protocol") return new NumpyRandomState(seed);
    throw new RangeError(`the python generator family provides only "topology" and "protocol" streams, not "${purpose}"`);
  };
}
