import { Data } from "effect";

/** The database could not be opened, migrated, read or written. `message` is for a human. */
export class StoreError extends Data.TaggedError("StoreError")<{
  readonly operation: string;
  readonly path: string;
  readonly message: string;
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

export class EvalNotFound extends Data.TaggedError("EvalNotFound")<{ readonly id: string }> {
  override get message(): string {
    return `no eval with id ${JSON.stringify(this.id)}`;
  }
}

/** How many candidates an ambiguous-prefix error lists. */
export const MAX_CANDIDATES = 5;

/**
 * One line for a human. A connection refused on every address a host name resolves to arrives as
 * an AggregateError with no message of its own: say the first address's reason instead.
 */
export const messageOf = (cause: unknown): string => {
  if (cause instanceof AggregateError && cause.message === "" && cause.errors.length > 0) {
    return messageOf(cause.errors[0]);
  }
  if (cause instanceof Error) {
    const code = (cause as NodeJS.ErrnoException).code;
    if (cause.message !== "") return cause.message.split("\n")[0] ?? cause.message;
    return code ?? cause.name;
  }
  return typeof cause === "string" ? cause : String(cause);
};
