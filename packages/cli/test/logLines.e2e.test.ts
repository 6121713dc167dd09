import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { consortium, STACK_FRAME } from "./binary.js";

// What the program logs while a command goes on (here: a CI step summary that cannot be written)
// reads as the commands' own warnings do, without a logger's time stamp and fiber number.

describe("logged warnings", () => {
  it("read `warning: …` on stderr, one line, and the command still succeeds", async () => {
    const dir = mkdtempSync(join(tmpdir(), "consortium-loglines-"));
    const ran = await consortium(
      [
        "eval",
        "examples/eval/suite.yaml",
        "--replay",
        "examples/eval/suite.cassette.jsonl",
        "--db",
        join(dir, "runs.db")
      ],
      { env: { GITHUB_STEP_SUMMARY: "/proc/no-such-dir/summary.md" } }
    );
    expect(ran.code).toBe(0);
    const lines = ran.stderr.split("\n").filter((line) => line.includes("/proc/no-such-dir/summary.md"));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^warning: cannot append the summary to \/proc\/no-such-dir\/summary\.md: /);
    expect(ran.stderr).not.toMatch(/WARN|fiber|#\d+\)/);
    expect(ran.stderr).not.toMatch(STACK_FRAME);
  });
});
