/**
 * Writes docs/scenario.schema.json from the scenario zod schemas (src/sim/scenario/json-schema.ts).
 * `npm run schema`; test/unit/sim/scenario-schema.test.ts fails when the file is stale.
 */
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { scenarioJsonSchemaText } from "../src/sim/scenario/json-schema.js";

const out = fileURLToPath(new URL("../docs/scenario.schema.json", import.meta.url));
writeFileSync(out, scenarioJsonSchemaText());
process.stdout.write(`wrote ${out}\n`);
