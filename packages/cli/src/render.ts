import type { ConfigError } from "@consortium/config";
import { formatConfigError } from "@consortium/config/format";
import { describeStartError } from "@consortium/engine/startErrors";
import { describeEvalInputError, type EvalInputError } from "@consortium/eval/errors";
import type { StartError } from "@consortium/providers";
import * as ValidationError from "@effect/cli/ValidationError";
import { ExitCode } from "./exitCode.js";

// THE place an expected failure becomes stderr text and an exit code. Commands fail with tagged
// errors; they never print errors or pick exit codes themselves. A new command's new error gets a
// case here.

export interface Rendered {
  /** What goes to stderr; undefined when it was already printed. */
  readonly text: string | undefined;
  readonly code: ExitCode;
}

const tagOf = (error: unknown): string | undefined =>
  typeof error === "object" && error !== null && "_tag" in error && typeof error._tag === "string"
    ? error._tag
    : undefined;

const field = (error: unknown, name: string): unknown =>
  typeof error === "object" && error !== null ? (error as Record<string, unknown>)[name] : undefined;

const HELP_HINT = "run `consortium --help` (or `consortium <command> --help`) for usage";

export const renderFailure = (error: unknown): Rendered => {
  if (ValidationError.isValidationError(error)) {
    // @effect/cli printed what was wrong (unknown flag, missing argument); add where to look
    return { text: HELP_HINT, code: ExitCode.BadInput };
  }
  switch (tagOf(error)) {
    case "ConfigError":
      return { text: formatConfigError(error as ConfigError), code: ExitCode.BadInput };
    case "InvalidFiles":
      return {
        text: (field(error, "errors") as ReadonlyArray<ConfigError>).map(formatConfigError).join("\n"),
        code: ExitCode.BadInput
      };
    case "UsageError":
      return { text: `${String(field(error, "message"))}\n${HELP_HINT}`, code: ExitCode.BadInput };
    case "MissingApiKey":
    case "UnknownProvider":
    case "InvalidBaseUrl":
      return { text: describeStartError(error as StartError), code: ExitCode.BadInput };
    case "InvalidAssertion":
    case "InvalidEvalOption":
    case "CassetteUnreadable":
      return { text: describeEvalInputError(error as EvalInputError), code: ExitCode.BadInput };
    case "RunNotFound":
    case "AmbiguousRunId":
    case "EvalNotFound":
      return { text: String(field(error, "message")), code: ExitCode.BadInput };
    case "StoreError":
      // the database could not be opened or written: the path or the disk, not the run, is at fault
      return { text: `database: ${String(field(error, "message"))}`, code: ExitCode.BadInput };
    case "RunFailed":
      return { text: String(field(error, "message")), code: ExitCode.RunFailed };
    case "SilentExit":
      return { text: undefined, code: field(error, "code") as ExitCode };
    default:
      return { text: `internal error: ${describeUnexpected(error)}`, code: ExitCode.RunFailed };
  }
};

/** A bug, not bad input: one line, plus the stack only when CONSORTIUM_DEBUG is set. */
const describeUnexpected = (error: unknown): string => {
  if (!(error instanceof Error)) return String(error);
  return process.env.CONSORTIUM_DEBUG
    ? (error.stack ?? error.message)
    : `${error.message} (set CONSORTIUM_DEBUG=1 for details)`;
};
