import type { ConfigError } from "@consortium/config";
import { formatConfigError } from "@consortium/config/format";
import { describeStartError } from "@consortium/engine/startErrors";
import { safeText } from "@consortium/engine/text";
import { describeEvalInputError, type EvalInputError } from "@consortium/eval/errors";
import type { InvalidBaseUrl, MissingApiKey, UnknownProvider } from "@consortium/providers";
import type { AmbiguousRunId, EvalNotFound, RunNotFound, StoreError } from "@consortium/store";
import * as ValidationError from "@effect/cli/ValidationError";
import * as Match from "effect/Match";
import { ExitCode } from "./exitCode.js";
import type { InvalidFiles, RunFailed, SilentExit, UsageError } from "./failures.js";
import { paragraphs } from "./help.js";

// THE place an expected failure becomes stderr text and an exit code. Commands fail with tagged
// errors; they never print errors or pick exit codes themselves. `CliFailure` is every error a command
// may fail with: Cli.ts hands the command tree's error channel to `renderFailure`, so a command that
// can fail in a new way does not compile until its error is listed here and rendered below.

export type CliFailure =
  | ValidationError.ValidationError
  | ConfigError
  | InvalidFiles
  | UsageError
  | MissingApiKey
  | UnknownProvider
  | InvalidBaseUrl
  | EvalInputError
  | RunNotFound
  | AmbiguousRunId
  | EvalNotFound
  | StoreError
  | RunFailed
  | SilentExit;

export interface Rendered {
  /** What goes to stderr; undefined when it was already printed. */
  readonly text: string | undefined;
  readonly code: ExitCode;
}

const HELP_HINT = "run `consortium --help` (or `consortium <command> --help`) for usage";

const badInput = (text: string): Rendered => ({ text, code: ExitCode.BadInput });

const renderOwn = Match.type<Exclude<CliFailure, ValidationError.ValidationError>>().pipe(
  Match.tagsExhaustive({
    ConfigError: (error) => badInput(formatConfigError(error)),
    InvalidFiles: (error) => badInput(error.errors.map(formatConfigError).join("\n")),
    UsageError: (error) => badInput(error.help === false ? error.message : `${error.message}\n${HELP_HINT}`),
    MissingApiKey: (error) => badInput(describeStartError(error)),
    UnknownProvider: (error) => badInput(describeStartError(error)),
    InvalidBaseUrl: (error) => badInput(describeStartError(error)),
    InvalidAssertion: (error) => badInput(describeEvalInputError(error)),
    InvalidEvalOption: (error) => badInput(describeEvalInputError(error)),
    CassetteUnreadable: (error) => badInput(describeEvalInputError(error)),
    RunNotFound: (error) => badInput(error.message),
    AmbiguousRunId: (error) => badInput(error.message),
    EvalNotFound: (error) => badInput(error.message),
    // the database could not be opened or written: the path or the disk, not the run, is at fault
    StoreError: (error) => badInput(`database: ${error.message}`),
    RunFailed: (error): Rendered => ({ text: error.message, code: ExitCode.RunFailed }),
    SilentExit: (error): Rendered => ({ text: undefined, code: error.code })
  })
);

/**
 * What @effect/cli found wrong (a missing argument, a value of the wrong type), on one line with where
 * to look; its own printing of it is held back (parseErrors.ts).
 */
const parseError = (error: ValidationError.ValidationError, command: string | undefined): string => {
  const what = paragraphs(error.error)
    .join(" ")
    .replace(/\s+/g, " ")
    .replace(/ is not a integer/g, " is not an integer")
    .trim();
  return `${what === "" ? "invalid command line" : what} (\`consortium ${command === undefined ? "" : `${command} `}--help\` for usage)`;
};

/**
 * A failure's text is ours around words that may be a provider's or a model's (a failed run's reason),
 * so none of it may carry a control character a terminal would obey; it carries no styling of ours.
 */
const inert = ({ text, code }: Rendered): Rendered => ({ text: text === undefined ? text : safeText(text), code });

/** `command`: the command the line named, if it names one, so a parse error says whose help to read. */
export const renderFailure = (error: CliFailure, command?: string): Rendered =>
  inert(ValidationError.isValidationError(error) ? badInput(parseError(error, command)) : renderOwn(error));

/** A bug, not bad input (a defect, or a failure no command declares): one line, the stack only with CONSORTIUM_DEBUG. */
export const renderDefect = (defect: unknown): Rendered => {
  const text =
    defect instanceof Error
      ? process.env.CONSORTIUM_DEBUG
        ? (defect.stack ?? defect.message)
        : `${defect.message} (set CONSORTIUM_DEBUG=1 for details)`
      : String(defect);
  return { text: `internal error: ${text}`, code: ExitCode.RunFailed };
};
