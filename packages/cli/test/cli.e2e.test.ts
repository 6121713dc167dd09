import { execFileSync } from "node:child_process";
import {
  closeSync,
  constants,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  writeFileSync
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { consortiumSchema, loadConsortiumFile, suiteSchema } from "@consortium/config";
import { describe, expect, it } from "@effect/vitest";
import * as Effect from "effect/Effect";
import { consortium, repoRoot, STACK_FRAME } from "./binary.js";

/** Whether the process has `path` open, read from /proc (Linux). */
const holdsOpen = (pid: number, path: string): boolean => {
  try {
    return readdirSync(`/proc/${pid}/fd`).some((fd) => {
      try {
        return readlinkSync(`/proc/${pid}/fd/${fd}`) === path;
      } catch {
        return false;
      }
    });
  } catch {
    return false;
  }
};

const tempDir = (files: Record<string, string> = {}): string => {
  const dir = mkdtempSync(join(tmpdir(), "consortium-cli-"));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, ".."), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
};

/** `consortia/*.yaml examples/**\/*.yaml`, as a shell with globstar would expand it. */
const readyFiles = (): Array<string> => [
  ...readdirSync(join(repoRoot, "consortia"))
    .filter((name) => name.endsWith(".yaml"))
    .map((name) => `consortia/${name}`),
  ...readdirSync(join(repoRoot, "examples"), { recursive: true, encoding: "utf8" })
    .filter((name) => name.endsWith(".yaml"))
    .map((name) => `examples/${name}`)
];

const BROKEN = `name: research
members:
  - openai/gpt-4.1-mini
  - model: anthropic/claude-sonnet-4-5
    count: 0
arbiter: olama/qwen
confidence_threshold: 80
`;

describe("consortium (the built binary)", () => {
  it("--version prints the package version", async () => {
    const { version } = JSON.parse(readFileSync(join(repoRoot, "packages/cli/package.json"), "utf8"));
    const run = await consortium(["--version"]);
    expect(run).toMatchObject({ code: 0, stderr: "" });
    expect(run.stdout.trim()).toBe(version);
  });

  it("with no command shows the help, listing the commands, in plain text when piped", async () => {
    const run = await consortium([]);
    expect(run.code).toBe(0);
    for (const command of ["validate", "schema", "list"]) expect(run.stdout).toMatch(new RegExp(`^  ${command} `, "m"));
    expect(run.stdout).not.toContain("\u001b[");
  });

  it("validate prints every problem as file:line:col: message on stderr, exits 2, no stack trace", async () => {
    const dir = tempDir({ "consortia/bad.yaml": BROKEN });
    const run = await consortium(["validate", "consortia/bad.yaml"], { cwd: dir });
    expect(run.code).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr.trim().split("\n")).toEqual([
      "consortia/bad.yaml:5:12: /members/1/count must be >= 1",
      'consortia/bad.yaml:6:10: /arbiter uses unknown provider "olama": declare it under providers (known here: anthropic, openai)',
      "consortia/bad.yaml:7:23: /confidence_threshold must be <= 1 (a fraction, not a percentage: write 0.8 for 80%)"
    ]);
    expect(run.stderr).not.toMatch(STACK_FRAME);
  });

  it("validate passes every ready consortium and example file", async () => {
    const files = readyFiles();
    expect(files).toEqual(
      expect.arrayContaining(["consortia/research.yaml", "consortia/local.yaml", "examples/suites/smoke.yaml"])
    );
    const run = await consortium(["validate", ...files]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const lines = run.stdout.trim().split("\n");
    expect(lines).toHaveLength(files.length);
    expect(lines).toContainEqual(
      expect.stringMatching(/^ok {2}consortia\/research\.yaml \(consortium research: \d+ members, \d+ instances\)$/)
    );
    expect(lines).toContain("ok  examples/suites/smoke.yaml (suite smoke: 2 targets, 7 cases)");
  });

  it("validate checks every file, reporting the good and the bad, and tells the kind by content", async () => {
    const dir = tempDir({
      "good.yaml": "name: g\nmembers: [gpt-4.1-mini:2, claude-sonnet-4-5]\narbiter: gpt-4.1\n",
      "bad.yaml": BROKEN,
      "other.yaml": "just: a map\n",
      "suite.yaml": "name: s\ntargets: [good.yaml]\ncases: [{prompt: hi}]\n"
    });
    const run = await consortium(["validate", "good.yaml", "bad.yaml", "other.yaml", "missing.yaml", "suite.yaml"], {
      cwd: dir
    });
    expect(run.code).toBe(2);
    expect(run.stdout.trim().split("\n")).toEqual([
      "ok  good.yaml (consortium g: 2 members, 3 instances)",
      "ok  suite.yaml (suite s: 1 target, 1 case)"
    ]);
    const errors = run.stderr.trim().split("\n");
    expect(errors).toHaveLength(5);
    expect(errors).toContain("missing.yaml: cannot read: no such file");
    expect(errors.find((line) => line.startsWith("other.yaml:1:1: cannot tell"))).toBeDefined();
    expect(run.stderr).not.toMatch(STACK_FRAME);
  });

  it("schema prints the JSON Schema: consortium by default, or suite", async () => {
    const suite = await consortium(["schema", "suite"]);
    expect(suite.code).toBe(0);
    expect(JSON.parse(suite.stdout)).toEqual(suiteSchema);
    const plain = await consortium(["schema"]);
    expect(JSON.parse(plain.stdout)).toEqual(consortiumSchema);
    const wrong = await consortium(["schema", "sweet"]);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain("consortium, suite");
  });

  it("list shows name, members and arbiter of each consortium under ./consortia", async () => {
    const run = await consortium(["list"]);
    expect(run.code).toBe(0);
    const [header, ...rows] = run.stdout.trim().split("\n");
    expect(header).toMatch(/^NAME\s+MEMBERS\s+ARBITER$/);
    const research = await Effect.runPromise(loadConsortiumFile(join(repoRoot, "consortia/research.yaml")));
    const members = research.members.map((m) => `${m.provider}/${m.model}${m.count > 1 ? ` x${m.count}` : ""}`);
    const arbiter = `${research.arbiter?.provider}/${research.arbiter?.model}`;
    expect(rows.find((row) => row.startsWith("research "))?.split(/\s{2,}/)).toEqual([
      "research",
      members.join(", "),
      arbiter
    ]);
    expect(rows.find((row) => row.startsWith("local "))).toContain("ollama/qwen2.5:7b, ollama/llama3.1:8b");
    const json = JSON.parse((await consortium(["list", "--json"])).stdout);
    expect(json.map((entry: { name: string }) => entry.name)).toEqual(expect.arrayContaining(["local", "research"]));
  });

  it("list marks an invalid file and says so when there is nothing to list", async () => {
    const dir = tempDir({
      "consortia/a.yaml": "name: a\nmembers: [gpt-4.1:3]\narbiter: gpt-4.1\n",
      "consortia/b.yml": "name: [\n"
    });
    const run = await consortium(["list"], { cwd: dir });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^a\s+openai\/gpt-4\.1 x3\s+openai\/gpt-4\.1$/m);
    expect(run.stdout).toMatch(/^b\s+invalid: run consortium validate consortia\/b\.yml$/m);
    const empty = await consortium(["list"], { cwd: tempDir() });
    expect(empty).toMatchObject({ code: 0, stdout: "" });
    expect(empty.stderr).toContain("No consortium files");
  });

  it("list marks a file whose name another file holds: the one run, serve and mcp use is <name>.yaml", async () => {
    const dir = tempDir({
      "consortia/lay.yaml": "name: lay\nmembers: [gpt-4.1:3]\narbiter: gpt-4.1\n",
      "consortia/lay-copy.yaml": "name: lay\nmembers: [gpt-4.1-mini]\narbiter: gpt-4.1\n"
    });
    const run = await consortium(["list"], { cwd: dir });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^lay\s+openai\/gpt-4\.1 x3\s+openai\/gpt-4\.1$/m);
    expect(run.stdout).toMatch(/^lay\s+not used \(consortia\/lay-copy\.yaml\): consortia\/lay\.yaml has this name$/m);
    expect(run.stderr.trim()).toBe(
      "warning: consortia/lay-copy.yaml is not used: consortia/lay.yaml is also named lay"
    );
    const json = JSON.parse((await consortium(["list", "--json"], { cwd: dir })).stdout);
    expect(json).toMatchObject([
      { file: "consortia/lay-copy.yaml", shadowedBy: "consortia/lay.yaml" },
      { file: "consortia/lay.yaml", name: "lay" }
    ]);
    expect(json[1]).not.toHaveProperty("shadowedBy");
  });

  it("an unknown flag or a missing argument is bad input: exit 2, one line with a hint", async () => {
    for (const args of [
      ["list", "--bogus"],
      ["validate", "--bogus", "x.yaml"],
      ["validate"],
      ["frobnicate"],
      ["--bogus"],
      ["runs", "--limit", "abc"]
    ]) {
      const run = await consortium(args);
      expect(run.code, args.join(" ")).toBe(2);
      expect(run.stderr, args.join(" ")).toMatch(/consortium( \w+)? --help/);
      expect(run.stderr.trimEnd().split("\n"), args.join(" ")).toHaveLength(1);
      expect(run.stderr).not.toMatch(STACK_FRAME);
      expect(run.stdout).toBe("");
    }
  });

  it("an unknown option is named as one, not taken for a consortium, a suite file or a prompt", async () => {
    for (const [args, message] of [
      [["run", "--bogus", "x"], "unknown option --bogus"],
      [["run", "research", "hi", "--bogus=1"], "unknown option --bogus"],
      [["eval", "suite.yaml", "--bogus"], "unknown option --bogus"],
      [["run", "research", "--system"], "--system needs a value"],
      [["runs", "--limit", "abc"], "'abc' is not an integer"],
      [["runs", "--limit", "0"], "--limit must be a positive integer, not 0"],
      [["runs", "--limit", "-1"], "--limit must be a positive integer, not -1"],
      [["evals", "--limit=0"], "--limit must be a positive integer, not 0"],
      // a command of a command (db status) is checked against its own options, as any other
      [["db", "status", "--bogus"], "unknown option --bogus"],
      [["db", "migrate", "--db"], "--db needs a value"],
      [["db", "copy", "--from", "a.db", "--to", "b.db", "--bogus=1"], "unknown option --bogus"],
      // a word after the group that is none of its commands: the group's commands, not the root's
      [["db", "bogus"], "unknown command bogus for consortium db: its commands are copy, migrate, status"],
      [["db", "--bogus"], "unknown option --bogus for consortium db"]
    ] as const) {
      const run = await consortium(args, { env: { OPENAI_API_KEY: "", ANTHROPIC_API_KEY: "" } });
      expect(run.code, args.join(" ")).toBe(2);
      expect(run.stderr.trimEnd().split("\n"), args.join(" ")).toHaveLength(1);
      expect(run.stderr, args.join(" ")).toContain(message);
      expect(run.stdout).toBe("");
    }
  });

  it.runIf(process.platform === "linux")(
    "a database under a folder that takes no new entries (/proc) is one line and exit 2, not a hang",
    async () => {
      // node's recursive mkdir loops for ever there; a hung CLI is killed so the test fails instead
      const run = await consortium(["runs", "--db", "/proc/consortium-no-such/runs.db"], {
        killAfterMs: 60_000
      });
      expect(run.signal).toBeNull();
      expect(run.code).toBe(2);
      expect(run.stderr).not.toMatch(STACK_FRAME);
      expect(run.stderr.trim().split("\n")).toHaveLength(1);
      expect(run.stderr).toContain("/proc/consortium-no-such/runs.db");
    },
    90_000
  );

  it.runIf(process.platform === "linux")(
    "a compile cache folder under /proc is done without, not a hang",
    async () => {
      // the cache's folder is made after the command succeeds: node's recursive mkdir loops for ever
      // there, so a hung CLI is killed and the test fails instead
      const run = await consortium(["schema"], {
        env: { XDG_CACHE_HOME: "/proc/consortium-no-such/cache", CONSORTIUM_NO_COMPILE_CACHE: "" },
        killAfterMs: 60_000
      });
      expect(run.signal).toBeNull();
      expect(run.code).toBe(0);
      expect(run.stderr).toBe("");
      expect(JSON.parse(run.stdout)).toEqual(consortiumSchema);
    },
    90_000
  );

  it("SIGINT ends the command with exit code 130", async () => {
    const dir = tempDir({ "suite.yaml": "name: s\ntargets: [{model: gpt-4.1}]\ncases: [{file: blocked.jsonl}]\n" });
    // The case file is a FIFO we hold open without writing: validate waits on it when the signal comes.
    // Node cannot exit while a thread-pool read is stuck, so we close our end just after the signal;
    // had the signal been ignored, validate would then go on and fail with "no cases" (exit 2).
    const fifo = join(dir, "blocked.jsonl");
    execFileSync("mkfifo", [fifo]);
    const writer = openSync(fifo, constants.O_RDWR);
    // Ready means the process holds the FIFO open for reading: its signal handlers are installed by then,
    // however slowly a loaded machine started it. A fixed delay would race start-up.
    let signalled = false;
    const run = await consortium(["validate", "suite.yaml"], {
      cwd: dir,
      whileRunning: (pid) => {
        const poll = setInterval(() => {
          if (!holdsOpen(pid, fifo)) return;
          clearInterval(poll);
          signalled = true;
          process.kill(pid, "SIGINT");
          setTimeout(() => closeSync(writer), 300);
        }, 20);
      }
    });
    expect(signalled).toBe(true);
    expect(run.code).toBe(130);
    expect(run.stderr).not.toMatch(STACK_FRAME);
  });
});
