import { Data } from "effect";

/**
 * One problem found in a file; `line`/`column` are 1-based and point at the offending node, or are 0
 * when there is no position (an object built in code, a file that could not be read). Render with
 * `formatIssue`.
 */
export interface Issue {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  /** JSON pointer into the document, e.g. `/members/1/count`; "" for the whole document. */
  readonly path: string;
  readonly message: string;
}

/** A file that could not be read or is invalid. Carries every issue found, not only the first. */
export class ConfigError extends Data.TaggedError("ConfigError")<{
  readonly file: string;
  readonly issues: ReadonlyArray<Issue>;
}> {}
