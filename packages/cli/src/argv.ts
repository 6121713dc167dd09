// Rewrites of the command line before @effect/cli parses it, apart from the commands so the entry
// loads none of them to apply these.

/**
 * `run … --continue` with no id means the latest run, like `-c`. The parser wants a value after
 * `--continue`, so a bare one (last, or followed by another flag) is rewritten to `-c` before parsing.
 */
export const bareContinue = (argv: ReadonlyArray<string>): ReadonlyArray<string> =>
  argv[2] !== "run"
    ? argv
    : argv.map((arg, i) =>
        arg === "--continue" && (argv[i + 1] === undefined || argv[i + 1]!.startsWith("-")) ? "-c" : arg
      );

/**
 * `consortium help [command …]`, as git and npm users type it: the parser knows only `--help`, and took
 * `help` for an unknown command. `help <not a command>` is left to say the command is unknown (with
 * --help the parser would print its own raw help instead).
 */
export const helpWords = (argv: ReadonlyArray<string>, isCommand: (name: string) => boolean): ReadonlyArray<string> => {
  const [node = "", script = "", first, ...rest] = argv;
  if (first !== "help") return argv;
  return rest[0] === undefined || isCommand(rest[0]) ? [node, script, ...rest, "--help"] : [node, script, ...rest];
};
