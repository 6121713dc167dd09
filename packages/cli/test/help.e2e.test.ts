import { describe, expect, it } from "vitest";
import { consortium } from "./binary.js";

// Help a person reads: a usage line, one line per option with its default, examples; none of
// @effect/cli's boilerplate or built-in options.

const BOILERPLATE = [
  "A user-defined piece of text",
  "This setting is optional",
  "A true or false value",
  "An integer.",
  "--wizard",
  "--completions",
  "--log-level",
  "USAGE",
  "DESCRIPTION"
];

const COMMANDS = ["run", "save", "eval", "runs", "show", "validate", "schema", "list"];

const expectClean = (text: string): void => {
  for (const phrase of BOILERPLATE) expect(text, phrase).not.toContain(phrase);
  expect(text).not.toContain("\u001b[");
};

describe("--help", () => {
  it("consortium help [command] and consortium -v read as --help and --version, as git and npm users type them", async () => {
    for (const [words, flags] of [
      [["help"], ["--help"]],
      [
        ["help", "run"],
        ["run", "--help"]
      ],
      [
        ["help", "db", "copy"],
        ["db", "copy", "--help"]
      ],
      [["-v"], ["--version"]]
    ] as const) {
      const [asked, meant] = await Promise.all([consortium(words), consortium(flags)]);
      expect(asked.code, words.join(" ")).toBe(0);
      expect(asked.stderr).toBe("");
      expect(asked.stdout).toBe(meant.stdout);
      expect(asked.stdout.length).toBeGreaterThan(0);
    }
    const unknown = await consortium(["help", "nosuch"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stdout).toBe("");
    expect(unknown.stderr).toContain("Invalid subcommand");
  });

  it("consortium --help (and bare consortium): usage, every command in one line, options, examples", async () => {
    for (const args of [["--help"], ["-h"], []]) {
      const help = await consortium(args);
      expect(help.code).toBe(0);
      expect(help.stderr).toBe("");
      expectClean(help.stdout);
      expect(help.stdout).toContain("Usage:\n  consortium <command> [options] [arguments]");
      for (const command of COMMANDS) expect(help.stdout).toMatch(new RegExp(`^  ${command} +\\S`, "m"));
      expect(help.stdout).toMatch(/^Examples:\n {2}consortium run research "/m);
    }
  });

  it("every command: a usage line naming it, one line per option, the help option, no boilerplate", async () => {
    for (const command of COMMANDS) {
      const help = await consortium([command, "--help"]);
      expect(help.code, command).toBe(0);
      expectClean(help.stdout);
      expect(help.stdout).toContain(`Usage:\n  consortium ${command} [options]`);
      expect(help.stdout).toMatch(/^ {2}-h, --help +show this help$/m);
    }
  });

  it("run --help: its arguments, each option with its value and default, and examples", async () => {
    const help = await consortium(["run", "--help"]);
    expect(help.stdout).toContain("Usage:\n  consortium run [options] [<file-or-name>] [<prompt>]\n");
    const line = (option: string) => help.stdout.split("\n").find((l) => l.trimStart().startsWith(option));
    expect(line("-m, --model <text>...")).toContain("repeatable");
    expect(line("--confidence-threshold <number>")).toContain("else 0.8)");
    expect(line("--max-iterations <n>")).toContain("else 3)");
    expect(line("--db <text>")).toContain("default $CONSORTIUM_DB");
    // a boolean's negation says what it does, not its positive's whole text again
    expect(line("--stream")).toContain("as the arbiter writes it");
    expect(line("--no-stream")).toMatch(/--no-stream +turn --stream off$/);
    expect(help.stdout).toContain('  consortium run -m openai/gpt-4.1-mini:2 -m claude-haiku-4-5 --arbiter gpt-4.1 "');
  });

  it("runs --help shows --limit's default; validate's files are one or more", async () => {
    expect((await consortium(["runs", "--help"])).stdout).toMatch(
      /--limit <n> +how many runs, newest first \(default 20\)/
    );
    expect((await consortium(["validate", "-h"])).stdout).toContain("consortium validate [options] <file>...");
  });

  it("db migrate --help and db status --help: each its own usage and options, not the db group's", async () => {
    for (const [sub, says] of [
      ["migrate", "Apply pending schema migrations"],
      ["status", "Say which schema migrations"],
      ["copy", "Copy every run and eval"]
    ] as const) {
      for (const flag of ["--help", "-h"]) {
        const help = await consortium(["db", sub, flag]);
        expect(help.code, `db ${sub} ${flag}`).toBe(0);
        expectClean(help.stdout);
        expect(help.stdout.startsWith(says), help.stdout).toBe(true);
        expect(help.stdout).toContain(`Usage:\n  consortium db ${sub} [options]`);
        expect(help.stdout).not.toContain("Commands:");
      }
    }
    const migrate = await consortium(["db", "migrate", "--help"]);
    expect(migrate.stdout).toMatch(/^ +--db <text> +the SQLite database file/m);
    const copy = await consortium(["db", "copy", "--help"]);
    expect(copy.stdout).toMatch(/^ +--from <text> +the database to read/m);
    // the group's own help lists its commands, asked for or with no command named (as bare `consortium`)
    for (const args of [["db", "--help"], ["db"]]) {
      const group = await consortium(args);
      expect(group.code, args.join(" ")).toBe(0);
      expectClean(group.stdout);
      expect(group.stdout).toContain("Usage:\n  consortium db <command> [options]");
      expect(group.stdout).toMatch(/^ {2}migrate +Apply pending/m);
      expect(group.stdout).toMatch(/^ {2}copy +Copy every run/m);
    }
  });
});
