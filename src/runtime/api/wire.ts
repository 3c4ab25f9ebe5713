/**
 * The JSON bodies of the HTTP API (README "HTTP API"), shared by the server that renders
 * them and the client that reads them.
 */
import { toHex } from "../../core/bytes.js";
import type { ConflictView, StatusView, TxStatus, TxView } from "./facade.js";
import { txToJson, type TxJson } from "./json.js";

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
}

/** `GET /v1/status`. */
export type StatusResponse = StatusView;

/** Machine-readable error codes the server uses. */
export type ApiErrorCode =
  | "bad-json"
  | "invalid"
  | "bad-signature"
  | "unsupported-media-type"
  | "too-large"
  | "not-found"
  | "method-not-allowed"
  | "too-many-candidates"
  | "already-final"
  | "overloaded"
  | "timeout"
  | "too-many-streams"
  | "too-many-connections"
  | "bad-request"
  | "internal";

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
  };
}
