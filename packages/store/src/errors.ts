import { messageOf } from "@consortium/config/messageOf";
import { Data } from "effect";

/** The database could not be opened, migrated, read or written. `message` is for a human. */
export class StoreError extends Data.TaggedError("StoreError")<{
  readonly operation: string;
  readonly path: string;
  readonly message: string;
  /**
   * The database refused what was written (a value it cannot store, a constraint), not the moment
   * (a lock, a full disk): the same write would fail the same way, so it is not worth retrying.
   */
  readonly refused?: boolean;
}> {}

export class RunNotFound extends Data.TaggedError("RunNotFound")<{ readonly id: string }> {
  override get message(): string {
    return `no run with id ${JSON.stringify(this.id)}`;
  }
}

/** A prefix that matches more than one run id, like git's "short object ID is ambiguous". */
export class AmbiguousRunId extends Data.TaggedError("AmbiguousRunId")<{
  readonly prefix: string;
  readonly candidates: ReadonlyArray<string>;
}> {
  override get message(): string {
    return `run id prefix ${JSON.stringify(this.prefix)} is ambiguous: ${this.candidates.join(", ")}${this.candidates.length >= MAX_CANDIDATES ? ", ..." : ""}`;
  }
}

/**
 * A shard that may not join the eval its id names: that eval is of another suite (its name, targets,
 * threshold or split differ) or has ended. Joining would mix two suites' results in one report, or
 * reopen an eval whose outcome CI has already read.
 */
export class EvalJoinRefused extends Data.TaggedError("EvalJoinRefused")<{
  readonly evalId: string;
  readonly reason: string;
}> {
  override get message(): string {
    return `eval ${this.evalId} ${this.reason}`;
  }
}

export class EvalNotFound extends Data.TaggedError("EvalNotFound")<{ readonly id: string }> {
  override get message(): string {
    return `no eval with id ${JSON.stringify(this.id)}`;
  }
}

/** How many candidates an ambiguous-prefix error lists. */
export const MAX_CANDIDATES = 5;

/** One line for a human: the shared wording's first line, with SQLite's hidden cause said first. */
export const storeMessageOf = (cause: unknown): string => {
  const code = cause instanceof Error ? (cause as NodeJS.ErrnoException).code : undefined;
  return `${causeOf(code)}${messageOf(cause).split("\n")[0]}`;
};

/**
 * The cause in words when SQLite's own message hides it: a write that fails for want of space reads
 * "disk I/O error" when a file-size limit stops it.
 */
const causeOf = (code: string | undefined): string => {
  if (code === "SQLITE_FULL") return "disk full: ";
  if (code === "SQLITE_IOERR_WRITE" || code === "SQLITE_IOERR_FSYNC" || code === "SQLITE_IOERR_TRUNCATE") {
    return "disk full or a file-size limit reached: ";
  }
  return "";
};

/**
 * Whether `cause` is the database refusing the data itself. PostgreSQL: SQLSTATE classes 22 (data
 * exception, such as text jsonb cannot hold) and 23 (integrity constraint violation). SQLite: a
 * constraint, a datatype mismatch, a value too big.
 */
export const isRefusal = (cause: unknown): boolean => {
  const code = (cause as { readonly code?: unknown } | null)?.code;
  if (typeof code !== "string") return false;
  return (
    /^2[23][0-9A-Z]{3}$/.test(code) ||
    code.startsWith("SQLITE_CONSTRAINT") ||
    code === "SQLITE_MISMATCH" ||
    code === "SQLITE_TOOBIG"
  );
};
