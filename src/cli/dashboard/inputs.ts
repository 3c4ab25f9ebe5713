/**
 * Everything the dashboard reads from outside, checked before use: the devnet file
 * `entropic devnet` writes, and the JSON a node's HTTP API answers. A node is another
 * process that may be buggy, old or hostile, so each answer is parsed with a schema and
 * a bad one is reported as that node's error rather than trusted.
 */
import { z } from "zod";
import { UsageError } from "../../core/errors.js";
import type { NodeEvent, StatusView } from "../../runtime/api/facade.js";

const MAX_STRING = 4096;
const shortString = z.string().max(MAX_STRING);
const count = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const httpUrl = z
  .string()
  .max(MAX_STRING)
  .regex(/^https?:\/\/[^\s/]+$/, "must be an http(s) origin such as http://127.0.0.1:8080");

/** `DIR/devnet.json`. Unknown fields are allowed so later devnet versions still load. */
export const devnetFileSchema = z.object({
  protocol: shortString,
  nodes: z
    .array(
      z.object({
        index: count,
        api: httpUrl,
        multiaddr: shortString.optional(),
        peerId: shortString,
        pid: count.optional(),
        data: shortString.optional(),
      }),
    )
    .min(1, "a devnet has at least one node")
    .max(1000),
});

export type DevnetFile = z.infer<typeof devnetFileSchema>;

/** Parse the text of a devnet.json; a bad file is a {@link UsageError} naming the field. */
export function parseDevnetFile(text: string, source: string): DevnetFile {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${source}: not JSON: ${(error as Error).message}`);
  }
  const parsed = devnetFileSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new UsageError(`${source}: ${issue.path.join(".") || "(root)"}: ${issue.message}`);
  }
  const indices = new Set(parsed.data.nodes.map((n) => n.index));
  if (indices.size !== parsed.data.nodes.length) throw new UsageError(`${source}: nodes: two nodes share an index`);
  return parsed.data;
}

const counters = z.record(z.string().max(200), z.number()).refine((r) => Object.keys(r).length <= 1000, "too many counters");

/** A node's `GET /v1/status`. */
export const statusSchema = z.object({
  peerId: shortString,
  protocol: shortString,
  addresses: z.array(shortString).max(1000),
  peers: z.array(shortString).max(10_000),
  heads: z.array(shortString).max(10_000),
  ledgerRoot: shortString,
  finalizedCount: count,
  pendingCount: count,
  uptimeMs: z.number().min(0),
  counters,
}) satisfies z.ZodType<StatusView>;

const ms = z.number().finite();

/** The data of one `GET /v1/events` event, by its `event:` name. */
const eventSchemas = {
  finalized: z.object({ type: z.literal("finalized"), conflict: shortString, cid: shortString, latencyMs: z.number().min(0).finite(), at: ms }),
  tx: z.object({ type: z.literal("tx"), conflict: shortString, cid: shortString, at: ms }),
  "sheaf-conflict": z.object({
    type: z.literal("sheaf-conflict"),
    conflict: shortString,
    peer: shortString,
    ours: shortString,
    theirs: shortString,
    at: ms,
  }),
  "decision-reverted": z.object({ type: z.literal("decision-reverted"), conflict: shortString, from: shortString, to: shortString, at: ms }),
  observables: z.object({ type: z.literal("observables"), at: ms, values: counters }),
} as const;

/**
 * The node event in one SSE message, or null when the message is not a known, well-formed
 * event (unknown types are skipped so newer nodes still work with this dashboard).
 */
export function parseNodeEvent(eventName: string, data: string): NodeEvent | null {
  if (!Object.hasOwn(eventSchemas, eventName)) return null;
  let json: unknown;
  try {
    json = JSON.parse(data);
  } catch {
    return null;
  }
  const parsed = eventSchemas[eventName as keyof typeof eventSchemas].safeParse(json);
  return parsed.success ? parsed.data : null;
}

/** `POST /v1/tx` → 202. */
export const submitReplySchema = z.object({ cid: shortString, conflict: shortString, status: shortString, isNew: z.boolean() });

/** `GET /v1/conflicts/:key`, the fields the dashboard uses. */
export const conflictReplySchema = z.object({
  key: shortString,
  candidates: z.array(z.object({ cid: shortString, status: shortString })).max(1000),
  preferred: shortString.nullable(),
  final: shortString.nullable(),
});
