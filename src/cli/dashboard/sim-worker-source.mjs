// The simulation worker when entropic runs from source (tsx, vitest): a new thread does not
// inherit the main thread's TypeScript loader, so register tsx here, then load sim-worker.ts.
import { register } from "tsx/esm/api";

register();
await import("./sim-worker.ts");
