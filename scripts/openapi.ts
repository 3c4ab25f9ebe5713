/**
 * Writes docs/openapi.json from the zod schemas of the HTTP API (src/runtime/api/openapi.ts).
 * `npm run openapi`; test/unit/runtime/api-openapi.test.ts fails when the file is stale.
 */
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { openApiText } from "../src/runtime/api/openapi.js";

const out = fileURLToPath(new URL("../docs/openapi.json", import.meta.url));
writeFileSync(out, openApiText());
process.stdout.write(`wrote ${out}\n`);
