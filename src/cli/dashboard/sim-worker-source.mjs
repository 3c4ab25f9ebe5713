// Loads sim-worker.ts in a worker thread when entropic runs from source (tsx, vitest):
// a new thread does not inherit the main thread's TypeScript loader, so register tsx here.
import { register } from "tsx/esm/api";

register();
await import("./sim-worker.ts");
