import * as CliConfig from "@effect/cli/CliConfig";
import * as Command from "@effect/cli/Command";
import * as Cause from "effect/Cause";
import * as Console from "effect/Console";
import * as Effect from "effect/Effect";
import * as HashSet from "effect/HashSet";
import { diff } from "./commands/diff.js";
import { estimate } from "./commands/estimate.js";
import { evaluate } from "./commands/eval.js";
import { evals, runs, show } from "./commands/history.js";
import { list } from "./commands/list.js";
import { mcp } from "./commands/mcp.js";
import { bareContinue, run } from "./commands/run.js";
import { save } from "./commands/save.js";
import { schema } from "./commands/schema.js";
import { serve } from "./commands/serve.js";
import { validate } from "./commands/validate.js";
import { view } from "./commands/view.js";
import { ExitCode } from "./exitCode.js";
import { commandHelp, type HelpSource, requestedHelp, topHelp } from "./help.js";
import { type Rendered, renderDefect, renderFailure } from "./render.js";

// The command tree, apart from the process wiring in bin.ts so tests can run it in-process.

/** Every subcommand. To add one: write src/commands/<name>.ts and list it here. */
const subcommands = [
  run,
  evaluate,
  runs,
  show,
  validate,
  schema,
  list,
  save,
  serve,
  mcp,
  estimate,
  evals,
  view,
  diff
] as const;

const DESCRIPTION =
  "Ask several LLMs the same question, let an arbiter synthesise their answers with a confidence, " +
  "and iterate until it is confident.";

export const consortium = Command.make("consortium").pipe(
  Command.withDescription(DESCRIPTION),
  Command.withSubcommands(subcommands)
);

// biome-ignore lint/suspicious/noExplicitAny: commands differ in name, input and errors (invariant); help reads only their shape
type AnyCommand = Command.Command<any, any, any, any>;

const helpSources = subcommands.map(
  (command: AnyCommand): HelpSource => [
    HashSet.toValues(Command.getNames(command))[0] ?? "",
    () => Command.getHelp(command, CliConfig.defaultConfig)
  ]
);

/** Our help for what `args` asks, if it asks for help we render (see help.ts). */
const helpFor = (args: ReadonlyArray<string>): string | undefined => {
  const asked = requestedHelp(args, helpSources);
  if (asked === undefined) return undefined;
  return asked.command === undefined ? topHelp(DESCRIPTION, helpSources) : commandHelp(asked.command);
};

/** Prints a failure in its one rendering and gives its exit code. */
const report = ({ text, code }: Rendered): Effect.Effect<ExitCode> =>
  text === undefined ? Effect.succeed(code) : Effect.as(Console.error(text), code);

/**
 * Runs the CLI on `argv` (node, script, ...args) and gives the exit code; never fails except by
 * interruption, which the caller maps to 130.
 */
export const runCli = (argv: ReadonlyArray<string>, version: string) => {
  // bare `consortium` shows the help rather than doing nothing
  const help = helpFor(argv.slice(2));
  if (help !== undefined) return Effect.as(Console.log(help.trimEnd()), ExitCode.Ok);
  return Command.run(consortium, { name: "consortium", version })(bareContinue(argv)).pipe(
    Effect.as<ExitCode>(ExitCode.Ok),
    // typed: every failure a command declares must be a CliFailure, rendered exhaustively
    Effect.catchAll((error) => report(renderFailure(error))),
    Effect.catchAllCause((cause) =>
      Cause.isInterruptedOnly(cause) ? Effect.failCause(cause) : report(renderDefect(Cause.squash(cause)))
    )
  );
};
