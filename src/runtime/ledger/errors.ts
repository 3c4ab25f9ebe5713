/**
 * Errors of the ledger a user or operator can act on. (A batch that tries to change a
 * finalized decision is {@link LedgerConflictError} in ports.ts: the protocol's concern.)
 */
import { EntropicError } from "../../core/errors.js";

/** The ledger folder is held by another live process (LevelDB's LOCK file). */
export class LedgerLockedError extends EntropicError {
  constructor(readonly folder: string) {
    super(
      "LEDGER_LOCKED",
      `ledger folder ${folder} is locked: another node process is using it (stop that node, or give this one its own folder)`,
    );
  }
}

/** The ledger folder cannot be opened for another reason (not a folder, no permission, corrupt). */
export class LedgerOpenError extends EntropicError {
  constructor(
    readonly folder: string,
    detail: string,
  ) {
    super("LEDGER_OPEN_FAILED", `cannot open ledger folder ${folder}: ${detail}`);
  }
}

/** An operation on a ledger that is not open (before `open()` or after `close()`). */
export class LedgerClosedError extends EntropicError {
  constructor(readonly operation: string) {
    super("LEDGER_CLOSED", `ledger is not open: cannot ${operation} (call open() first; a closed ledger stays closed until reopened)`);
  }
}

/**
 * A key or CID string that is not well-formed Unicode (a lone UTF-16 surrogate). Stored
 * keys are UTF-8, which cannot represent it: refusing beats silently changing the key.
 */
export class LedgerKeyError extends EntropicError {
  constructor(
    readonly what: string,
    readonly key: string,
  ) {
    super("LEDGER_KEY_INVALID", `${what} ${JSON.stringify(key)} is not well-formed Unicode (lone surrogate)`);
  }
}
