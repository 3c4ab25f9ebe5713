/**
 * The OpenAPI 3.1 document of the HTTP API, generated from the zod schemas that validate
 * requests (`json.ts`) and describe replies (`wire.ts`) with zod's own JSON Schema
 * (draft 2020-12, the dialect OpenAPI 3.1 uses). The server serves it at
 * `GET /v1/openapi.json`; `docs/openapi.json` is the same document, kept current by
 * `npm run openapi` and checked by test/unit/runtime/api-openapi.test.ts.
 */
import { z } from "zod";
import { txJsonSchema } from "./json.js";
import {
  apiErrorBodySchema,
  conflictResponseSchema,
  healthResponseSchema,
  nodeEventSchema,
  statusResponseSchema,
  submitResponseSchema,
  txResponseSchema,
} from "./wire.js";

/** Named schemas under `components.schemas`, each with the zod schema it is generated from. */
export const API_SCHEMAS = {
  Tx: txJsonSchema,
  SubmitResponse: submitResponseSchema,
  TxResponse: txResponseSchema,
  ConflictResponse: conflictResponseSchema,
  StatusResponse: statusResponseSchema,
  HealthResponse: healthResponseSchema,
  ApiError: apiErrorBodySchema,
  NodeEvent: nodeEventSchema,
} as const satisfies Record<string, z.ZodType>;

export type ApiSchemaName = keyof typeof API_SCHEMAS;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function jsonSchemaOf(schema: z.ZodType, io: "input" | "output"): Record<string, Json> {
  const out = z.toJSONSchema(schema, { target: "draft-2020-12", io, unrepresentable: "throw" }) as Record<string, Json>;
  // The dialect is OpenAPI 3.1's default (`jsonSchemaDialect`); `$schema` inside a component is noise.
  delete out.$schema;
  return out;
}

const ref = (name: ApiSchemaName): Json => ({ $ref: `#/components/schemas/${name}` });

function jsonContent(name: ApiSchemaName): Json {
  return { "application/json": { schema: ref(name) } };
}

/** An error reply: `description` says when it happens. */
function error(description: string): Json {
  return { description, content: jsonContent("ApiError") };
}

const retryAfter: Json = { "Retry-After": { description: "seconds to wait before retrying", schema: { type: "integer", minimum: 1 } } };

/** Replies every route may give before any handler runs (the server's own limits). */
const LIMITS: Record<string, Json> = {
  "408": error("`timeout`: the request's headers (or body) did not arrive in time"),
  "429": {
    description:
      "`rate-limited`: this client address sent too many requests, or too many malformed ones; the answer comes after a delay and the connection closes",
    headers: retryAfter,
    content: jsonContent("ApiError"),
  },
  "503": {
    description: "`too-many-connections` (this client address holds too many connections), `overloaded` or `too-many-streams`",
    headers: retryAfter,
    content: jsonContent("ApiError"),
  },
};

function param(name: string, description: string): Json {
  return { name, in: "path", required: true, description, schema: { type: "string", minLength: 1 } };
}

function paths(): Record<string, Json> {
  return {
    "/v1/tx": {
      post: {
        operationId: "submitTx",
        summary: "Submit a signed transaction",
        description:
          "The body is checked against the strict schema and its Ed25519 signature (over DAG-CBOR of `[\"entropic/tx/v1\", {author, nonce, payload}]`) before the node sees it; a refused request stores nothing. `entropic tx sign` writes such a body.",
        requestBody: { required: true, content: jsonContent("Tx") },
        responses: {
          "202": { description: "stored; it will be decided", content: jsonContent("SubmitResponse") },
          "400": error("`bad-json`, `invalid` (schema failure, with `issues`) or `bad-signature`"),
          "409": error("`too-many-candidates` or `already-final`: the conflict set is full or decided"),
          "413": error("`too-large`: body over 1 MiB"),
          "415": error("`unsupported-media-type`: Content-Type is not application/json"),
          ...LIMITS,
        },
      },
    },
    "/v1/tx/{cid}": {
      get: {
        operationId: "getTx",
        summary: "A transaction and its status on this node",
        parameters: [param("cid", "transaction CID (any multibase)")],
        responses: {
          "200": { description: "the transaction", content: jsonContent("TxResponse") },
          "400": error("`invalid`: malformed CID"),
          "404": error("`not-found`: this node does not hold it"),
          ...LIMITS,
        },
      },
    },
    "/v1/conflicts/{key}": {
      get: {
        operationId: "getConflict",
        summary: "A conflict set (author and nonce) on this node",
        parameters: [param("key", "conflict key `<author base32>:<nonce>`, URL-encoded")],
        responses: {
          "200": { description: "the conflict set", content: jsonContent("ConflictResponse") },
          "400": error("`invalid`: malformed conflict key"),
          "404": error("`not-found`: this node has no such set"),
          ...LIMITS,
        },
      },
    },
    "/v1/status": {
      get: {
        operationId: "getStatus",
        summary: "The node's identity, peers and progress",
        responses: { "200": { description: "status", content: jsonContent("StatusResponse") }, ...LIMITS },
      },
    },
    "/v1/metrics": {
      get: {
        operationId: "getMetrics",
        summary: "Prometheus metrics (text exposition format 0.0.4)",
        description:
          "Names follow Prometheus conventions (base units, `_total` counters) and pass `promtool check metrics`; includes the histogram `entropic_finality_latency_seconds` and `entropic_signature_verifications_total{result}`.",
        responses: {
          "200": { description: "the exposition", content: { "text/plain; version=0.0.4": { schema: { type: "string" } } } },
          ...LIMITS,
        },
      },
    },
    "/v1/events": {
      get: {
        operationId: "streamEvents",
        summary: "Server-sent events of the node",
        description:
          "`text/event-stream`: each event is `event: <type>` and `data:` lines holding one NodeEvent as JSON; `: ping` comments keep idle streams open. A client that reads too slowly is disconnected; beyond the stream cap the answer is 503 `too-many-streams`.",
        responses: {
          "200": {
            description: "the stream; each event's data is a NodeEvent",
            content: { "text/event-stream": { schema: { type: "string" }, "x-event-data": ref("NodeEvent") } },
          },
          ...LIMITS,
        },
      },
    },
    "/v1/health": {
      get: {
        operationId: "getHealth",
        summary: "Liveness",
        responses: { "200": { description: "the node is up", content: jsonContent("HealthResponse") }, ...LIMITS },
      },
    },
    "/v1/openapi.json": {
      get: {
        operationId: "getOpenApi",
        summary: "This document",
        responses: {
          "200": { description: "the OpenAPI 3.1 document", content: { "application/json": { schema: { type: "object" } } } },
          ...LIMITS,
        },
      },
    },
  };
}

/** The OpenAPI 3.1 document (a plain JSON value; the same on every call). */
export function openApiDocument(): Record<string, Json> {
  const schemas: Record<string, Json> = {};
  for (const [name, schema] of Object.entries(API_SCHEMAS)) {
    // Requests are documented as accepted (input), replies as sent (output).
    schemas[name] = jsonSchemaOf(schema, name === "Tx" ? "input" : "output");
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "entropic node HTTP API",
      version: "1",
      description:
        "The HTTP API of a live entropic node (README, \"HTTP API\"). Every reply carries `Access-Control-Allow-Origin: *`; errors are JSON `{error: {code, message, issues?}}` and a refused request stores nothing.",
      license: { name: "MIT", identifier: "MIT" },
    },
    servers: [{ url: "http://127.0.0.1:8080", description: "a node started with `entropic node --api 8080`" }],
    paths: paths(),
    components: { schemas },
  };
}

/** `docs/openapi.json`'s text: the document, two-space indented, with a final newline. */
export function openApiText(): string {
  return `${JSON.stringify(openApiDocument(), null, 2)}\n`;
}
