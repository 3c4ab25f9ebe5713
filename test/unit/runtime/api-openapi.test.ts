// The OpenAPI 3.1 document: generated from the zod schemas, valid for a maintained
// third-party validator (@apidevtools/swagger-parser), identical to docs/openapi.json,
// and true of the running server: every documented operation answers a valid request
// with its documented success status and a body its documented schema accepts.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import SwaggerParser from "@apidevtools/swagger-parser";
import { createRng } from "../../../src/core/prng.js";
import { conflictKey, createTx } from "../../../src/core/tx.js";
import { utf8 } from "../../../src/core/bytes.js";
import { nodeCrypto, nodeSignatures } from "../../../src/runtime/crypto-node.js";
import { systemClock } from "../../../src/runtime/clock.js";
import { MemoryLedger } from "../../../src/runtime/ledger/memory.js";
import { MemoryNetwork } from "../../../src/runtime/transport/memory.js";
import { peerIdFromKeySeed } from "../../../src/runtime/transport/keys.js";
import { NodeEngine } from "../../../src/runtime/node/engine.js";
import { snowball } from "../../../src/protocols/snowball/index.js";
import type { Transport } from "../../../src/runtime/ports.js";
import { apiRoutes } from "../../../src/runtime/api/router.js";
import { startApiServer, type ApiServer } from "../../../src/runtime/api/server.js";
import { txToJson } from "../../../src/runtime/api/json.js";
import { API_SCHEMAS, openApiDocument, openApiText, type ApiSchemaName } from "../../../src/runtime/api/openapi.js";

const DOCS_FILE = fileURLToPath(new URL("../../../docs/openapi.json", import.meta.url));

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Doc = any;

describe("OpenAPI document", () => {
  it("docs/openapi.json is current (regenerate with `npm run openapi`)", () => {
    expect(readFileSync(DOCS_FILE, "utf8"), "docs/openapi.json is stale: run `npm run openapi`").toBe(openApiText());
  });

  it("is a valid OpenAPI 3.1 document for swagger-parser", async () => {
    const api = (await SwaggerParser.validate(structuredClone(openApiDocument()) as Doc)) as Doc;
    expect(api.openapi).toBe("3.1.0");
    // $refs resolved: the request body of POST /v1/tx is the Tx schema itself.
    expect(api.paths["/v1/tx"].post.requestBody.content["application/json"].schema.required).toEqual(["author", "nonce", "payload", "signature"]);
  });

  it("the validator refuses a broken document (so the check above can fail)", async () => {
    const noTitle = structuredClone(openApiDocument()) as Doc;
    delete noTitle.info.title;
    await expect(SwaggerParser.validate(noTitle)).rejects.toThrow();
    const badParam = structuredClone(openApiDocument()) as Doc;
    badParam.paths["/v1/tx/{cid}"].get.parameters[0].in = "body";
    await expect(SwaggerParser.validate(badParam)).rejects.toThrow();
    const badRef = structuredClone(openApiDocument()) as Doc;
    badRef.paths["/v1/health"].get.responses["200"].content["application/json"].schema = { $ref: "#/components/schemas/Nope" };
    await expect(SwaggerParser.validate(badRef)).rejects.toThrow();
  });

  it("documents exactly the routes the server answers", () => {
    const doc = openApiDocument() as Doc;
    const documented = Object.entries(doc.paths as Record<string, Record<string, unknown>>).flatMap(([path, ops]) =>
      Object.keys(ops).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(documented.sort()).toEqual(apiRoutes().sort());
  });

  it("generates the request schema from the zod schema that validates requests", () => {
    const tx = (openApiDocument() as Doc).components.schemas.Tx;
    expect(tx.additionalProperties).toBe(false);
    expect(tx.properties.author.pattern).toBe("^[0-9a-fA-F]{64}$");
    expect(tx.properties.nonce).toMatchObject({ type: "integer", minimum: 0, maximum: Number.MAX_SAFE_INTEGER });
  });
});

describe("OpenAPI document against the running server", () => {
  const engines: NodeEngine[] = [];
  const transports: Transport[] = [];
  const ledgers: MemoryLedger[] = [];
  let server: ApiServer;

  beforeAll(async () => {
    const net = new MemoryNetwork();
    for (let i = 0; i < 4; i++) {
      const seed = new Uint8Array(32).fill(i + 11);
      const transport = net.createTransport(peerIdFromKeySeed(seed));
      const ledger = new MemoryLedger();
      await ledger.open();
      await transport.start();
      transports.push(transport);
      ledgers.push(ledger);
      engines.push(
        await NodeEngine.open({
          protocol: snowball,
          params: snowball.params.parse({ k: 3, alphaPreference: 2, alphaConfidence: 2, beta: 8 }),
          transport,
          ledger,
          clock: systemClock,
          crypto: nodeCrypto,
          keys: nodeSignatures.generateKeyPair(seed),
          rng: createRng(i, "api-openapi"),
          tuning: { pollIntervalMs: 2, sealIntervalMs: 20, headsIntervalMs: 50, gossipFlushMs: 5 },
        }),
      );
    }
    for (let i = 0; i < 4; i++) for (let j = i + 1; j < 4; j++) await transports[i]!.dial(transports[j]!.addresses()[0]!);
    server = await startApiServer(engines[0]!);
    for (const e of engines) e.start();
  });

  afterAll(async () => {
    await server?.close();
    for (const e of engines) await e.stop();
    for (const t of transports) await t.stop();
    for (const l of ledgers) await l.close();
  });

  it("every documented operation answers a valid request with its documented status and schema", async () => {
    const doc = (await SwaggerParser.validate(structuredClone(openApiDocument()) as Doc)) as Doc;
    const author = nodeSignatures.generateKeyPair(new Uint8Array(32).fill(42));
    const tx = createTx(nodeSignatures, author, 7, utf8("openapi"));
    const key = conflictKey(tx);
    // POST first so the reads below name something the node holds.
    const order = (p: string) => (p === "/v1/tx" ? 0 : 1);
    const raw = openApiDocument() as Doc;
    let submittedCid = "";
    let checked = 0;
    for (const path of Object.keys(raw.paths).sort((a, b) => order(a) - order(b))) {
      for (const [method, op] of Object.entries(raw.paths[path] as Record<string, Doc>)) {
        const success = Object.keys(op.responses).filter((code) => code.startsWith("2"));
        expect(success, `${method} ${path}: one documented success status`).toHaveLength(1);
        const url = `${server.url}${path.replace("{cid}", encodeURIComponent(submittedCid)).replace("{key}", encodeURIComponent(key))}`;
        const init: RequestInit = { method: method.toUpperCase() };
        if (op.requestBody !== undefined) {
          init.headers = { "Content-Type": "application/json" };
          init.body = JSON.stringify(txToJson(tx));
        }
        const controller = new AbortController();
        const res = await fetch(url, { ...init, signal: controller.signal });
        expect(res.status, `${method.toUpperCase()} ${path}`).toBe(Number(success[0]));
        const media = Object.keys(op.responses[success[0]!].content)[0]!;
        expect(res.headers.get("content-type") ?? "", `${method} ${path} content type`).toContain(media.split(";")[0]);
        if (media === "text/event-stream") {
          controller.abort(); // an endless stream: the status and type are what can be checked
        } else if (media === "application/json") {
          const body: unknown = await res.json();
          const refName = (op.responses[success[0]!].content[media].schema.$ref as string | undefined)?.split("/").pop();
          if (refName !== undefined) {
            const parsed = API_SCHEMAS[refName as ApiSchemaName].safeParse(body);
            expect(parsed.success, `${method} ${path}: ${JSON.stringify(parsed.error?.issues)}`).toBe(true);
          } else {
            // /v1/openapi.json serves the document itself.
            expect(body).toEqual(openApiDocument());
          }
          if (path === "/v1/tx") submittedCid = (body as { cid: string }).cid;
        } else {
          expect(typeof (await res.text())).toBe("string");
        }
        checked++;
      }
    }
    expect(checked).toBe(apiRoutes().length);
    expect(doc.paths["/v1/tx/{cid}"].get.parameters[0].name).toBe("cid");
  });

  it("the documented error replies carry the documented ApiError body", async () => {
    const res = await fetch(`${server.url}/v1/tx/not-a-cid`);
    expect(res.status).toBe(400);
    expect(Object.keys((openApiDocument() as Doc).paths["/v1/tx/{cid}"].get.responses)).toContain("400");
    expect(API_SCHEMAS.ApiError.safeParse(await res.json()).success).toBe(true);
  });
});
