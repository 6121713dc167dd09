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
