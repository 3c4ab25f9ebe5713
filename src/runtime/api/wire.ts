/**
 * The JSON bodies of the HTTP API (README "HTTP API"), shared by the server that renders
 * them and the client that reads them. Each body has a zod schema here; the OpenAPI
 * document (`openapi.ts`) is generated from these and from the request schema in
 * `json.ts`, and the type checks at the end of this file keep the schemas and the
 * TypeScript types in step.
 */
import { z } from "zod";
import { toHex } from "../../core/bytes.js";
import type { ConflictView, NodeEvent, StatusView, TxStatus, TxView } from "./facade.js";
import { txJsonSchema, txToJson, type TxJson } from "./json.js";

export const txStatusSchema = z
  .enum(["pending", "preferred", "finalized", "rejected"])
  .describe("Lifecycle of a transaction on this node: pending, preferred (its set's current choice), finalized, or rejected (another candidate was finalized).");

const cidString = z.string().describe("CID of a transaction (CIDv1, base32 `bafy…`)");
const conflictKeyString = z.string().describe("conflict key `<author base32>:<nonce>`");
const epochMs = z.number().describe("wall-clock time in ms since the Unix epoch");

export const submitResponseSchema = z
  .strictObject({
    cid: cidString,
    conflict: conflictKeyString,
    status: txStatusSchema,
    isNew: z.boolean().describe("false when the node already had this transaction"),
  })
  .describe("Reply to POST /v1/tx: the transaction is stored and will be decided.");

export const txResponseSchema = z
  .strictObject({
    cid: cidString,
    conflict: conflictKeyString,
    status: txStatusSchema,
    seenAt: epochMs.describe("when this node first saw the transaction (ms since the epoch)"),
    finalizedAt: epochMs.optional().describe("when this node finalized its conflict set (ms since the epoch)"),
    tx: txJsonSchema,
  })
  .describe("A transaction and its status on this node.");

export const conflictResponseSchema = z
  .strictObject({
    key: conflictKeyString,
    author: z.string().regex(/^[0-9a-f]{64}$/).describe("hex of the author's Ed25519 public key"),
    nonce: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
    candidates: z.array(z.strictObject({ cid: cidString, status: txStatusSchema })).describe("candidates in this node's first-seen order"),
    preferred: cidString.nullable().describe("the CID this node prefers now, or null"),
    final: cidString.nullable().describe("the finalized CID, or null"),
    observables: z.record(z.string(), z.number()).describe("protocol-specific numbers (confidence, temperature, entropy …)"),
    reverted: z
      .array(z.strictObject({ from: cidString, to: cidString, at: epochMs }))
      .describe("decisions this node took back, oldest first (only in the `available` partition mode, when a partition healed with conflicting decisions; docs/partitions.md)"),
  })
  .describe("A conflict set (one author and nonce) on this node.");

export const statusResponseSchema = z
  .strictObject({
    peerId: z.string().describe("libp2p peer id"),
    protocol: z.string().describe("consensus protocol the node runs"),
    addresses: z.array(z.string()).describe("libp2p multiaddresses the node listens on"),
    peers: z.array(z.string()).describe("peer ids of connected peers"),
    heads: z.array(cidString).describe("newest DAG vertex CIDs this node knows"),
    ledgerRoot: z.string().regex(/^[0-9a-f]*$/).describe("hex Merkle root over the finalized map (conflict key → tx CID)"),
    finalizedCount: z.number().int().min(0),
    pendingCount: z.number().int().min(0),
    uptimeMs: z.number().min(0),
    counters: z.record(z.string(), z.number()).describe("monotonically increasing counters"),
    failures: z
      .strictObject({
        total: z.number().int().min(0),
        byTask: z.record(z.string(), z.number()).describe("failures per background task (sealing, polling, gossip …)"),
        lastError: z.string().nullable(),
        lastAt: epochMs.nullable(),
      })
      .optional()
      .describe("failures of background work the node caught and survived"),
  })
  .describe("The node's identity, peers and progress.");

export const healthResponseSchema = z.strictObject({ ok: z.literal(true) }).describe("The node is up.");

export const apiErrorCodeSchema = z
  .enum([
    "bad-json",
    "invalid",
    "bad-signature",
    "unsupported-media-type",
    "too-large",
    "not-found",
    "method-not-allowed",
    "too-many-candidates",
    "already-final",
    "overloaded",
    "timeout",
    "too-many-streams",
    "too-many-connections",
    "rate-limited",
    "bad-request",
    "internal",
  ])
  .describe("Machine-readable error code");

export const apiErrorBodySchema = z
  .strictObject({
    error: z.strictObject({
      code: apiErrorCodeSchema,
      message: z.string().describe("one line for people"),
      issues: z
        .array(z.strictObject({ path: z.string(), message: z.string() }))
        .optional()
        .describe("schema failures by field path (code `invalid`)"),
    }),
  })
  .describe("Every error reply.");

const eventConflict = { conflict: conflictKeyString, at: epochMs };
export const nodeEventSchema = z
  .discriminatedUnion("type", [
    z.strictObject({ type: z.literal("tx"), ...eventConflict, cid: cidString }),
    z.strictObject({ type: z.literal("finalized"), ...eventConflict, cid: cidString, latencyMs: z.number().describe("first seen → finalized on this node, ms") }),
    z.strictObject({ type: z.literal("sheaf-conflict"), ...eventConflict, peer: z.string(), ours: z.string(), theirs: z.string() }),
    z.strictObject({ type: z.literal("decision-reverted"), ...eventConflict, from: cidString, to: cidString }).describe("`available` mode: this node took back a decision at a partition's heal (docs/partitions.md)"),
    z.strictObject({ type: z.literal("observables"), at: epochMs, values: z.record(z.string(), z.number()) }),
  ])
  .describe("The JSON in the `data:` lines of one /v1/events event; the `event:` line carries its `type`.");

/** `202` reply to `POST /v1/tx`. */
export interface SubmitResponse {
  readonly cid: string;
  readonly conflict: string;
  readonly status: TxStatus;
  /** false when the node already had this transaction */
  readonly isNew: boolean;
}

/** `GET /v1/tx/:cid`. */
export interface TxResponse {
  readonly cid: string;
  readonly conflict: string;
  readonly status: TxStatus;
  readonly seenAt: number;
  readonly finalizedAt?: number;
  readonly tx: TxJson;
}

/** `GET /v1/conflicts/:key`. */
export interface ConflictResponse {
  readonly key: string;
  /** hex of the author's public key */
  readonly author: string;
  readonly nonce: number;
  readonly candidates: ReadonlyArray<{ readonly cid: string; readonly status: TxStatus }>;
  readonly preferred: string | null;
  readonly final: string | null;
  readonly observables: Readonly<Record<string, number>>;
  readonly reverted: ReadonlyArray<{ readonly from: string; readonly to: string; readonly at: number }>;
}

/** `GET /v1/status`. */
export type StatusResponse = StatusView;

/** Machine-readable error codes the server uses. */
export type ApiErrorCode = z.infer<typeof apiErrorCodeSchema>;

/** Every error reply. `issues` lists schema failures by field path (code `invalid`). */
export interface ApiErrorBody {
  readonly error: {
    readonly code: ApiErrorCode;
    readonly message: string;
    readonly issues?: ReadonlyArray<{ readonly path: string; readonly message: string }>;
  };
}

export function txViewToJson(view: TxView): TxResponse {
  const out: TxResponse = { cid: view.cid, conflict: view.conflict, status: view.status, seenAt: view.seenAt, tx: txToJson(view.tx) };
  return view.finalizedAt === undefined ? out : { ...out, finalizedAt: view.finalizedAt };
}

export function conflictViewToJson(view: ConflictView): ConflictResponse {
  return {
    key: view.key,
    author: toHex(view.author),
    nonce: view.nonce,
    candidates: view.candidates.map((c) => ({ cid: c.cid, status: c.status })),
    preferred: view.preferred,
    final: view.final,
    observables: view.observables,
    reverted: view.reverted.map((r) => ({ ...r })),
  };
}

// ---------------------------------------------------------------------------------------
// The schemas above and the TypeScript types must describe the same bodies: each line
// fails to compile when a field is added, removed or retyped on one side only.

type DeepMutable<T> = T extends ReadonlyArray<infer U> ? DeepMutable<U>[] : T extends object ? { -readonly [K in keyof T]: DeepMutable<T[K]> } : T;
type Assignable<A, B> = [DeepMutable<A>] extends [DeepMutable<B>] ? ([DeepMutable<B>] extends [DeepMutable<A>] ? true : false) : false;
/** mutual assignability misses a renamed optional field: compare the keys as well */
type SameKeys<A, B> = [keyof A] extends [keyof B] ? ([keyof B] extends [keyof A] ? true : false) : false;
type Same<A, B> = Assignable<A, B> extends true ? SameKeys<A, B> : false;
const agree = <T extends true>(value: T): T => value;
agree<Same<z.infer<typeof submitResponseSchema>, SubmitResponse>>(true);
agree<Same<z.infer<typeof txResponseSchema>, TxResponse>>(true);
agree<Same<z.infer<typeof conflictResponseSchema>, ConflictResponse>>(true);
agree<Same<z.infer<typeof statusResponseSchema>, StatusResponse>>(true);
agree<Same<z.infer<typeof apiErrorBodySchema>, ApiErrorBody>>(true);
agree<Same<z.infer<typeof nodeEventSchema>, NodeEvent>>(true);
agree<Same<z.infer<typeof txStatusSchema>, TxStatus>>(true);
