import * as Command from "@effect/cli/Command";
import * as Cause from "effect/Cause";
import * as Console from "effect/Console";
import * as Effect from "effect/Effect";
import { diff } from "./commands/diff.js";
import { estimate } from "./commands/estimate.js";
import { evaluate } from "./commands/eval.js";
import { runs, show } from "./commands/history.js";
import { list } from "./commands/list.js";
import { mcp } from "./commands/mcp.js";
import { bareContinue, run } from "./commands/run.js";
import { schema } from "./commands/schema.js";
import { serve } from "./commands/serve.js";
import { validate } from "./commands/validate.js";
import { view } from "./commands/view.js";
import { ExitCode } from "./exitCode.js";
import { renderFailure } from "./render.js";

// The command tree, apart from the process wiring in bin.ts so tests can run it in-process.

/** Every subcommand. To add one: write src/commands/<name>.ts and list it here. */
const subcommands = [run, evaluate, runs, show, validate, schema, list, serve, mcp, estimate, view, diff] as const;

export const consortium = Command.make("consortium").pipe(
  Command.withDescription(
    "Ask several LLMs the same question, let an arbiter synthesise their answers with a confidence, " +
      "and iterate until it is confident."
  ),
  Command.withSubcommands(subcommands)
);

/** Prints an expected failure in its one rendering and gives its exit code. */
const report = (error: unknown): Effect.Effect<ExitCode> => {
  const { text, code } = renderFailure(error);
  return text === undefined ? Effect.succeed(code) : Effect.as(Console.error(text), code);
};

/**
 * Runs the CLI on `argv` (node, script, ...args) and gives the exit code; never fails except by
 * interruption, which the caller maps to 130.
 */
export const runCli = (argv: ReadonlyArray<string>, version: string) => {
  // bare `consortium` shows the help rather than doing nothing
  const args = argv.length <= 2 ? [...argv, "--help"] : bareContinue(argv);
  return Command.run(consortium, { name: "consortium", version })(args).pipe(
    Effect.as<ExitCode>(ExitCode.Ok),
    Effect.catchAllCause((cause) =>
      Cause.isInterruptedOnly(cause) ? Effect.failCause(cause) : report(Cause.squash(cause))
    )
  );
};
