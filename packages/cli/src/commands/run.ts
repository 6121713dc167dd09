import * as Args from "@effect/cli/Args";
import * as Command from "@effect/cli/Command";
import * as Options from "@effect/cli/Options";
import * as Effect from "effect/Effect";
import * as Option from "effect/Option";
import { consortiumFlags, db, flag, maxCost, noLog, optional } from "./options.js";

export const run = Command.make(
  "run",
  {
    target: Args.text({ name: "file-or-name" }).pipe(
      Args.withDescription("a consortium file, or a name: research → consortia/research.yaml"),
      Args.optional,
      Args.map(Option.getOrUndefined)
    ),
    prompt: Args.text({ name: "prompt" }).pipe(
      Args.withDescription("the question; piped standard input is appended to it (or is the prompt)"),
      Args.optional,
      Args.map(Option.getOrUndefined)
    ),
    ...consortiumFlags,
    judging: optional(
      // Spelled out here so --help loads no config code; execute.ts checks it against the config's type.
      Options.choice("judging", ["synthesis", "select", "peer-review", "vote"] as const),
      "how each round is judged, replacing the file's: synthesis | select | peer-review | vote"
    ),
    output: optional(Options.text("output").pipe(Options.withAlias("o")), "also write the full result JSON here"),
    json: flag("json", "print the full result JSON on stdout instead of the text"),
    raw: flag("raw", "print every member answer and the raw arbiter output before the synthesis"),
    noStdin: flag("no-stdin", "do not read piped standard input"),
    continueFrom: optional(
      Options.text("continue"),
      "continue the conversation of this run (id or unique prefix): its prompts and answers become prior turns; " +
        "with no prompt given, a value that names no run is the prompt, continuing the latest run"
    ),
    continueLatest: flag("c", "continue the conversation of the latest run, of any consortium"),
    stream: Options.boolean("stream", { negationNames: ["no-stream"] }).pipe(
      Options.withDescription(
        "write the answer to stdout as the arbiter writes it, as serve streams it: the last round live, an earlier one " +
          "when it is decided final, a round that is refined never (default: when stdout is a terminal and no -o; " +
          "never with --json or --raw)"
      ),
      Options.optional,
      Options.map(Option.getOrUndefined)
    ),
    db,
    noLog,
    maxCost,
    estimate: flag("estimate", "print what the run could cost (worst and typical case) and stop: no request, no key")
  },
  ({ target, prompt, ...flags }) =>
    Effect.flatMap(
      Effect.promise(() => import("../run/execute.js")),
      ({ executeRun }) => executeRun({ ...flags, positional: [target, prompt].filter((arg) => arg !== undefined) })
    )
).pipe(
  Command.withDescription(
    "Run a consortium: every member answers, the arbiter synthesises, and rounds repeat until it is confident. " +
      "stdout gets only the result; progress and warnings go to stderr."
  )
);
