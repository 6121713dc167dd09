import { Data } from "effect";

// Failures of the eval's own input (the CLI maps every one of them to exit code 2). Model failures
// are not here: a failing case is data in the report, never an error that stops the suite.

/** An assertion that cannot be checked at all: a bad regex, a JSON schema ajv cannot compile, a wrong value type. */
export class InvalidAssertion extends Data.TaggedError("InvalidAssertion")<{
  readonly caseId: string;
  /** The assertion type as written, e.g. "not-regex". */
  readonly type: string;
  readonly message: string;
}> {}

/** `--shard`, `--filter`, `--threshold`, `-j` or the targets given to the runner make no sense. */
export class InvalidEvalOption extends Data.TaggedError("InvalidEvalOption")<{
  readonly option: string;
  readonly message: string;
}> {}

/** The cassette file exists but a line of it is not a cassette entry. */
export class CassetteUnreadable extends Data.TaggedError("CassetteUnreadable")<{
  readonly path: string;
  readonly message: string;
}> {}

export type EvalInputError = InvalidAssertion | InvalidEvalOption | CassetteUnreadable;

/** One line a human can read, for the CLI's single place that prints errors. */
export const describeEvalInputError = (error: EvalInputError): string => {
  switch (error._tag) {
    case "InvalidAssertion":
      return `case "${error.caseId}": assertion ${error.type}: ${error.message}`;
    case "InvalidEvalOption":
      return `${error.option}: ${error.message}`;
    case "CassetteUnreadable":
      return `${error.path}: ${error.message}`;
  }
};
