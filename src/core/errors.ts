/**
 * Errors a user can act on. Every entropic error carries a stable `code` so the CLI can
 * map it to an exit status and a one-line message, and tests can assert on it.
 */
export class EntropicError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** A scenario or parameter that fails validation; `path` names the offending field. */
export class ScenarioError extends EntropicError {
  constructor(
    readonly issues: readonly { path: string; message: string }[],
    source?: string,
  ) {
    super(
      "SCENARIO_INVALID",
      `${source ? `${source}: ` : ""}invalid scenario: ${issues.map((i) => `${i.path || "(root)"}: ${i.message}`).join("; ")}`,
    );
  }
}

/** A file that does not parse; names the file and, where known, the line and column. */
export class ParseError extends EntropicError {
  constructor(
    readonly file: string,
    detail: string,
    readonly line?: number,
    readonly column?: number,
  ) {
    super("PARSE_ERROR", `${file}${line !== undefined ? `:${line}${column !== undefined ? `:${column}` : ""}` : ""}: ${detail}`);
  }
}

/** Bad command-line usage (unknown flag, malformed value): the CLI exits with status 2. */
export class UsageError extends EntropicError {
  constructor(message: string) {
    super("USAGE", message);
  }
}

/**
 * Why bytes from outside were refused. `bad-signature` is separate from the structural
 * reasons because it is evidence against a peer (DESIGN.md §2), the others are noise.
 */
export type DecodeFailure =
  | "too-large" // over the size limit; refused before any parsing
  | "too-deep" // nesting deeper than the limit; refused before any parsing
  | "malformed" // not DAG-CBOR at all
  | "non-canonical" // DAG-CBOR, but not the one canonical encoding of its value
  | "invalid" // canonical DAG-CBOR of the wrong shape: unknown field, wrong type, bad length
  | "bad-signature"; // well formed, but the signature does not verify

/** Bytes that do not decode to a valid value of the expected kind (`what`: "tx", "vertex", ...). */
export class DecodeError extends EntropicError {
  constructor(
    readonly reason: DecodeFailure,
    readonly what: string,
    detail: string,
  ) {
    super("DECODE_ERROR", `cannot decode ${what}: ${reason}: ${detail}`);
  }
}

/** A value that cannot be encoded or signed as asked (wrong length, out of range, too large). */
export class EncodeError extends EntropicError {
  constructor(
    readonly what: string,
    detail: string,
  ) {
    super("ENCODE_ERROR", `cannot encode ${what}: ${detail}`);
  }
}
