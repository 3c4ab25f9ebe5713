/**
 * How the CLI ends: every failure is one line on stderr (`entropic: …`) and an exit status a
 * script can branch on.
 *
 * | status | meaning |
 * |---|---|
 * | 0 | success |
 * | 1 | runtime failure: a node unreachable or refusing, a double spend not decided in time, a write that failed |
 * | 2 | usage error: bad flag, value, scenario or file, found before any long work starts |
 * | 3 | a consensus run's checkers found a safety or validity violation (as Jepsen's checker does) |
 */
import { EntropicError } from "../core/errors.js";

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;
export const EXIT_VIOLATION = 3;

/** Something that went wrong while running (not the user's input): exit status 1. */
export class RuntimeFailure extends EntropicError {
  constructor(message: string) {
    super("RUNTIME_FAILURE", message);
  }
}

/** Checkers (or live nodes) showed a safety or validity violation: exit status 3. */
export class ViolationFound extends EntropicError {
  constructor(message: string) {
    super("VIOLATION_FOUND", message);
  }
}

/** Error codes of {@link EntropicError}s that are the user's input (exit 2). */
const USAGE_CODES = new Set(["USAGE", "SCENARIO_INVALID", "PARSE_ERROR", "KEY_FILE_PERMISSIONS"]);

/** Node's system error codes that mean "the path or port you gave does not work". */
const SYSTEM_USAGE_CODES = new Set(["ENOENT", "EISDIR", "ENOTDIR", "EEXIST", "EACCES", "EPERM", "EADDRINUSE", "EADDRNOTAVAIL", "EROFS"]);

/** One line, whatever the message holds (newlines from child output, libraries' multi-line texts). */
export function oneLine(text: string): string {
  return text
    .split("\n")
    .map((s) => s.trim())
    .filter(Boolean)
    .join(" ");
}

/**
 * The exit status and the one line to print for an error that reached the top. Unknown
 * errors (bugs) print their message only; ENTROPIC_DEBUG=1 prints the stack as well.
 */
export function describeFailure(error: unknown, debug = process.env.ENTROPIC_DEBUG === "1"): { status: number; line: string } {
  if (error instanceof EntropicError) {
    const status = USAGE_CODES.has(error.code) ? EXIT_USAGE : error.code === "VIOLATION_FOUND" ? EXIT_VIOLATION : EXIT_FAILURE;
    return { status, line: oneLine(error.message) };
  }
  if (error instanceof Error) {
    const code = (error as NodeJS.ErrnoException).code;
    const status = typeof code === "string" && SYSTEM_USAGE_CODES.has(code) ? EXIT_USAGE : EXIT_FAILURE;
    const name = error.name && error.name !== "Error" ? `${error.name}: ` : "";
    const line = `${status === EXIT_USAGE ? "" : name}${oneLine(error.message)}`;
    return { status, line: debug && error.stack ? `${line}\n${error.stack}` : line };
  }
  return { status: EXIT_FAILURE, line: oneLine(String(error)) };
}
