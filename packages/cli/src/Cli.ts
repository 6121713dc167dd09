import * as CliConfig from "@effect/cli/CliConfig";
import * as Command from "@effect/cli/Command";
import * as Descriptor from "@effect/cli/CommandDescriptor";
import * as Cause from "effect/Cause";
import * as Console from "effect/Console";
import * as Effect from "effect/Effect";
import * as HashMap from "effect/HashMap";
import * as HashSet from "effect/HashSet";
import { bareContinue, helpWords } from "./argv.js";
import type { database } from "./commands/db.js";
import type { diff } from "./commands/diff.js";
import type { estimate } from "./commands/estimate.js";
import type { evaluate } from "./commands/eval.js";
import type { evals, runs, show } from "./commands/history.js";
import type { list } from "./commands/list.js";
import type { mcp } from "./commands/mcp.js";
import type { run } from "./commands/run.js";
import type { save } from "./commands/save.js";
import type { schema } from "./commands/schema.js";
import type { serve } from "./commands/serve.js";
import type { validate } from "./commands/validate.js";
import type { view } from "./commands/view.js";
import { ExitCode } from "./exitCode.js";
import { UsageError } from "./failures.js";
import { commandHelp, type HelpSource, requestedHelp, topHelp } from "./help.js";
import { holdParseErrors } from "./parseErrors.js";
import { type Rendered, renderDefect, renderFailure } from "./render.js";
import { optionProblem } from "./unknownOption.js";

// The command tree, apart from the process wiring in bin.ts so tests can run it in-process.

type Subcommand =
  | typeof run
  | typeof evaluate
  | typeof runs
  | typeof show
  | typeof validate
  | typeof schema
  | typeof list
  | typeof save
  | typeof serve
  | typeof mcp
  | typeof estimate
  | typeof evals
  | typeof view
  | typeof diff
  | typeof database;

/**
 * Every subcommand by the name it is typed as, in the order help lists them. To add one: write
 * src/commands/<name>.ts and list it here. Each module is imported only when its command is asked
 * for: building all fifteen commands' options (and parsing against all of them) is a noticeable part
 * of a short command's start-up.
 */
const SUBCOMMANDS: ReadonlyArray<readonly [name: string, load: () => Promise<Subcommand>]> = [
  ["run", () => import("./commands/run.js").then((module) => module.run)],
  ["eval", () => import("./commands/eval.js").then((module) => module.evaluate)],
  ["runs", () => import("./commands/history.js").then((module) => module.runs)],
  ["show", () => import("./commands/history.js").then((module) => module.show)],
  ["validate", () => import("./commands/validate.js").then((module) => module.validate)],
  ["schema", () => import("./commands/schema.js").then((module) => module.schema)],
  ["list", () => import("./commands/list.js").then((module) => module.list)],
  ["save", () => import("./commands/save.js").then((module) => module.save)],
  ["serve", () => import("./commands/serve.js").then((module) => module.serve)],
  ["mcp", () => import("./commands/mcp.js").then((module) => module.mcp)],
  ["estimate", () => import("./commands/estimate.js").then((module) => module.estimate)],
  ["evals", () => import("./commands/history.js").then((module) => module.evals)],
  ["view", () => import("./commands/view.js").then((module) => module.view)],
  ["diff", () => import("./commands/diff.js").then((module) => module.diff)],
  ["db", () => import("./commands/db.js").then((module) => module.database)]
];

/**
 * The commands `args` can reach: the one it names, or all of them for help, for a name that is not a
 * command (the error lists every command), for the options of the root (--completions, --wizard) and
 * for a command with commands of its own (@effect/cli's error for a wrong one lists the root's).
 */
const subcommandsFor = async (args: ReadonlyArray<string>): Promise<readonly [Subcommand, ...Array<Subcommand>]> => {
  const named = SUBCOMMANDS.find(([name]) => name === args[0]);
  const asksHelp = args.includes("--help") || args.includes("-h");
  if (named !== undefined && !asksHelp) {
    const command = await named[1]();
    // a plain command's only "subcommand" is itself
    const reachable = Command.getSubcommands(command as AnyCommand);
    if (HashMap.size(reachable) === 1 && HashMap.has(reachable, named[0])) return [command];
  }
  const [first, ...rest] = await Promise.all(SUBCOMMANDS.map(([, load]) => load()));
  return [first!, ...rest];
};

const DESCRIPTION =
  "Ask several LLMs the same question, let an arbiter synthesise their answers with a confidence, " +
  "and iterate until it is confident.";

/** The command tree over `subcommands`. */
export const consortiumOf = (subcommands: readonly [Subcommand, ...Array<Subcommand>]) =>
  Command.make("consortium").pipe(Command.withDescription(DESCRIPTION), Command.withSubcommands(subcommands));

// biome-ignore lint/suspicious/noExplicitAny: commands differ in name, input and errors (invariant); help reads only their shape
type AnyCommand = Command.Command<any, any, any, any>;

const helpSourcesOf = (subcommands: ReadonlyArray<Subcommand>): Array<HelpSource> =>
  subcommands.map(
    (command: AnyCommand): HelpSource => [
      HashSet.toValues(Command.getNames(command))[0] ?? "",
      () => Command.getHelp(command, CliConfig.defaultConfig)
    ]
  );

/** The command with commands of its own (`db`) that `name` names, with those commands by name. */
const groupNamed = (name: string | undefined, subcommands: ReadonlyArray<Subcommand>) => {
  const group = subcommands.find((command: AnyCommand) => HashSet.has(Command.getNames(command), name ?? ""));
  if (group === undefined) return undefined;
  const children = Command.getSubcommands(group as AnyCommand);
  // a plain command's only "subcommand" is itself
  if (HashMap.has(children, name ?? "")) return undefined;
  return { source: helpSourcesOf([group])[0]!, children };
};

/**
 * The command of a command `args` names (`db migrate`), as a help source named by both words, with
 * the words after it; undefined when `args` names none. @effect/cli would show the group's help for
 * it and print its own errors for its options, so both are done here as for any other command.
 */
const nestedCommandOf = (
  [name, sub, ...rest]: ReadonlyArray<string>,
  subcommands: ReadonlyArray<Subcommand>
): { readonly source: HelpSource; readonly rest: ReadonlyArray<string> } | undefined => {
  const child = HashMap.get(groupNamed(name, subcommands)?.children ?? HashMap.empty(), sub ?? "");
  if (child._tag === "None") return undefined;
  return { source: [`${name} ${sub}`, () => Descriptor.getHelp(child.value, CliConfig.defaultConfig)], rest };
};

const asksHelp = (words: ReadonlyArray<string>): boolean => words.some((word) => word === "--help" || word === "-h");

/** Our help for what `args` asks, if it asks for help we render (see help.ts). */
const helpFor = (args: ReadonlyArray<string>, subcommands: ReadonlyArray<Subcommand>): string | undefined => {
  const helpSources = helpSourcesOf(subcommands);
  const asked = requestedHelp(args, helpSources);
  if (asked !== undefined) {
    return asked.command === undefined ? topHelp(DESCRIPTION, helpSources) : commandHelp(asked.command);
  }
  // a group alone (`consortium db`) lists its commands, as bare `consortium` does
  const group = args.length === 1 ? groupNamed(args[0], subcommands) : undefined;
  if (group !== undefined) return commandHelp(group.source);
  const nested = nestedCommandOf(args, subcommands);
  return nested !== undefined && asksHelp(nested.rest) ? commandHelp(nested.source) : undefined;
};

/** A word after a group's name that is none of its commands (`db bogus`, `db --bogus`). */
const unknownInGroup = (
  [name, sub]: ReadonlyArray<string>,
  subcommands: ReadonlyArray<Subcommand>
): UsageError | undefined => {
  const group = groupNamed(name, subcommands);
  if (group === undefined || sub === undefined || HashMap.has(group.children, sub)) return undefined;
  const names = [...HashMap.keys(group.children)].sort().join(", ");
  const what = sub.startsWith("-") ? `unknown option ${sub.split("=")[0]}` : `unknown command ${sub}`;
  return new UsageError({ message: `${what} for consortium ${name}: its commands are ${names}`, help: false });
};

/**
 * An option the command `args` names does not have, or one missing its value; or, after a group's
 * name, a word that is none of its commands.
 */
const optionProblemOf = (
  args: ReadonlyArray<string>,
  subcommands: ReadonlyArray<Subcommand>
): UsageError | undefined => {
  const plain = subcommands.length === 1 ? helpSourcesOf(subcommands)[0] : undefined;
  const target =
    plain !== undefined && plain[0] === args[0]
      ? { source: plain, rest: args.slice(1) }
      : nestedCommandOf(args, subcommands);
  if (target === undefined) return unknownInGroup(args, subcommands);
  const [name, doc] = target.source;
  const problem = optionProblem(target.rest, doc());
  return problem === undefined
    ? undefined
    : new UsageError({ message: `${problem} (\`consortium ${name} --help\` lists the options)`, help: false });
};

/** Prints a failure in its one rendering and gives its exit code. */
const report = ({ text, code }: Rendered): Effect.Effect<ExitCode> =>
  text === undefined ? Effect.succeed(code) : Effect.as(Console.error(text), code);

/**
 * Runs the CLI on `argv` (node, script, ...args) and gives the exit code; never fails except by
 * interruption, which the caller maps to 130.
 */
export const runCli = (typed: ReadonlyArray<string>, version: string) => {
  const argv = helpWords(typed, (name) => SUBCOMMANDS.some(([known]) => known === name));
  return Effect.flatMap(
    Effect.promise(() => subcommandsFor(argv.slice(2))),
    (subcommands) => {
      // bare `consortium` shows the help rather than doing nothing
      const help = helpFor(argv.slice(2), subcommands);
      if (help !== undefined) return Effect.as(Console.log(help.trimEnd()), ExitCode.Ok);
      const badOption = optionProblemOf(bareContinue(argv).slice(2), subcommands);
      if (badOption !== undefined) return report(renderFailure(badOption));
      return runTree(subcommands, argv, version);
    }
  );
};

const runTree = (
  subcommands: readonly [Subcommand, ...Array<Subcommand>],
  argv: ReadonlyArray<string>,
  version: string
) =>
  holdParseErrors((gate) =>
    Command.run(consortiumOf(subcommands.map((command) => gate(command)) as unknown as typeof subcommands), {
      name: "consortium",
      version
    })(bareContinue(argv))
  ).pipe(
    Effect.as<ExitCode>(ExitCode.Ok),
    // typed: every failure a command declares must be a CliFailure, rendered exhaustively
    Effect.catchAll((error) =>
      report(renderFailure(error, SUBCOMMANDS.find(([name]) => name === argv[2]) === undefined ? undefined : argv[2]))
    ),
    Effect.catchAllCause((cause) =>
      Cause.isInterruptedOnly(cause) ? Effect.failCause(cause) : report(renderDefect(Cause.squash(cause)))
    )
  );
