import * as HelpDoc from "@effect/cli/HelpDoc";
import * as Options from "@effect/cli/Options";
import * as ValidationError from "@effect/cli/ValidationError";
import * as Effect from "effect/Effect";
import * as Option from "effect/Option";

// Options several commands share, defined once so their names and help read the same everywhere.

/** An optional option whose absence is `undefined`, as the command implementations take it. */
export const optional = <A>(option: Options.Options<A>, description: string) =>
  option.pipe(Options.withDescription(description), Options.optional, Options.map(Option.getOrUndefined));

export const flag = (name: string, description: string) =>
  Options.boolean(name).pipe(Options.withDescription(description));

export const db = optional(
  Options.text("db"),
  "the SQLite database file, or a postgres:// URL (default $CONSORTIUM_DB, else ~/.local/share/consortium/consortium.db)"
);

export const noLog = flag("no-log", "record nothing in the database");

/** The flags that describe a consortium: `run`'s overrides (or an ad-hoc consortium) and `save`'s content. */
export const consortiumFlags = {
  models: Options.text("model").pipe(
    Options.withAlias("m"),
    Options.withDescription("a member <provider>/<model>[:<count>], repeatable: replaces the file's members"),
    Options.repeated
  ),
  arbiter: optional(Options.text("arbiter"), "the arbiter <provider>/<model>, replacing the file's"),
  confidenceThreshold: optional(
    Options.float("confidence-threshold"),
    "stop once the arbiter is this sure, 0..1 (default: the file's, else 0.8)"
  ),
  maxIterations: optional(Options.integer("max-iterations"), "at most this many rounds (default: the file's, else 3)"),
  minIterations: optional(Options.integer("min-iterations"), "at least this many rounds (default: the file's, else 1)"),
  system: optional(Options.text("system"), "the members' system prompt, replacing the file's")
};

export const maxCost = optional(
  Options.float("max-cost"),
  "most to spend, in USD: a call that could go past it is never started (every model needs a price)"
);

/** `--html <file>`: one self-contained page (inline CSS, JS and data; no URL loaded) for CI artifacts. */
export const html = (what: string) =>
  optional(Options.text("html"), `write ${what} as one self-contained HTML file here (for CI artifacts)`);

/** `--limit N` of the listing commands: a count of rows, so 0 or -1 is a mistake, never "all" or "none". */
export const limit = (what: string) =>
  Options.integer("limit").pipe(
    Options.mapEffect((n) =>
      n >= 1
        ? Effect.succeed(n)
        : Effect.fail(ValidationError.invalidValue(HelpDoc.p(`--limit must be a positive integer, not ${n}`)))
    ),
    Options.withDescription(`how many ${what}, newest first (default 20)`),
    Options.withDefault(20)
  );
