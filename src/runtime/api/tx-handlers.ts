/**
 * The route handlers that touch transactions and conflict sets: `POST /v1/tx` (validate,
 * then submit) and `GET /v1/tx/{cid}`, `GET /v1/conflicts/{key}`. Malformed input (media
 * type, JSON, schema, CID, conflict key) is refused here with a 4xx before the facade sees
 * it; only the signature is left to the facade, which checks it anyway (see submitTx).
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { parseCid } from "../../core/codec.js";
import { DecodeError } from "../../core/errors.js";
import { parseConflictKey, type Tx } from "../../core/tx.js";
import type { Context } from "./context.js";
import type { SubmitResult } from "./facade.js";
import { txFromJson, txJsonSchema } from "./json.js";
import { isJsonContentType, readBody } from "./request-body.js";
import { errorMessage, quote, sendError, sendJson } from "./responses.js";
import { conflictViewToJson, txViewToJson, type SubmitResponse } from "./wire.js";

// Fatal: a body that is not valid UTF-8 is refused as bad JSON rather than read with U+FFFD in it.
const strictUtf8 = new TextDecoder("utf-8", { fatal: true });

export async function submitTx(ctx: Context, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (!isJsonContentType(req.headers["content-type"])) {
    sendError(res, 415, "unsupported-media-type", "Content-Type must be application/json");
    return;
  }
  const body = await readBody(ctx, req, res);
  if (body === undefined) return;

  let value: unknown;
  try {
    value = JSON.parse(strictUtf8.decode(body));
  } catch (error) {
    sendError(res, 400, "bad-json", `request body is not JSON: ${errorMessage(error)}`);
    return;
  }
  const parsed = txJsonSchema.safeParse(value);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => ({ path: issue.path.map(String).join("."), message: issue.message }));
    const summary = issues.map((i) => `${i.path || "(root)"}: ${i.message}`).join("; ");
    sendError(res, 400, "invalid", `invalid transaction: ${summary}`, {}, issues);
    return;
  }
  let tx: Tx;
  try {
    tx = txFromJson(parsed.data);
  } catch (error) {
    sendError(res, 400, "invalid", `invalid transaction: ${errorMessage(error)}`);
    return;
  }
  // The signature is checked once, by the node (NodeFacade.submitTx's contract), which
  // throws DecodeError("bad-signature"); checking it here too cost a second Ed25519
  // verification per submitted transaction (issue 11's walk through the code).
  let result: SubmitResult;
  try {
    result = await ctx.facade.submitTx(tx);
  } catch (error) {
    if (error instanceof DecodeError) {
      sendError(res, 400, error.reason === "bad-signature" ? "bad-signature" : "invalid", error.message);
      return;
    }
    throw error;
  }
  if (result.ok) {
    const reply: SubmitResponse = { cid: result.cid, conflict: result.conflict, status: result.status, isNew: result.isNew };
    sendJson(res, 202, reply);
  } else if (result.reason === "overloaded") {
    sendError(res, 503, "overloaded", result.detail, { "Retry-After": "1" });
  } else {
    sendError(res, 409, result.reason, result.detail);
  }
}

export async function getTx(ctx: Context, _req: IncomingMessage, res: ServerResponse, param: string): Promise<void> {
  let cid: string;
  try {
    cid = parseCid(param).toString();
  } catch (error) {
    sendError(res, 400, "invalid", `malformed CID ${quote(param)}: ${errorMessage(error)}`);
    return;
  }
  const view = ctx.facade.readTx ? await ctx.facade.readTx(cid) : ctx.facade.getTx(cid);
  if (view === undefined) sendError(res, 404, "not-found", `no transaction ${cid}`);
  else sendJson(res, 200, txViewToJson(view));
}

export async function getConflict(ctx: Context, _req: IncomingMessage, res: ServerResponse, param: string): Promise<void> {
  try {
    parseConflictKey(param);
  } catch (error) {
    sendError(res, 400, "invalid", `malformed conflict key ${quote(param)}: ${errorMessage(error)}`);
    return;
  }
  const view = ctx.facade.readConflict ? await ctx.facade.readConflict(param) : ctx.facade.getConflict(param);
  if (view === undefined) sendError(res, 404, "not-found", `no conflict set ${param}`);
  else sendJson(res, 200, conflictViewToJson(view));
}
