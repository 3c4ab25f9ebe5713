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
