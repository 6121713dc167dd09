import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type FakeLlm, fakeLlmEnv, startFakeLlm } from "@consortium/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeEvalProgress } from "../src/eval/progress.js";
import { consortium, STACK_FRAME } from "./binary.js";

// An eval on a terminal and in a log, and reading evals back: `evals`, `show <eval-id>`, and the eval
// cases' runs marked in `runs` (hidden with --no-evals).

const ARBITER =
  "<synthesis>Canberra.</synthesis><confidence>0.9</confidence><analysis>a</analysis><dissent></dissent>" +
  "<needs_iteration>false</needs_iteration><refinement_areas></refinement_areas>";

let fake: FakeLlm;
let dir: string;

beforeAll(async () => {
  fake = await startFakeLlm({
    scripts: { member: { text: "Canberra." }, arbiter: { text: ARBITER }, solo: { text: "Sydney." } }
  });
  dir = mkdtempSync(join(tmpdir(), "consortium-evals-"));
  writeFileSync(join(dir, "duo.yaml"), "name: duo\nmembers: [openai/member:2]\narbiter: openai/arbiter\n");
  writeFileSync(
    join(dir, "suite.yaml"),
    [
      "name: capitals",
      "targets: [duo.yaml, {model: openai/solo}]",
      "threshold: 0.5",
      "cases:",
      ...["a", "b", "c"].map(
        (id) => `  - {id: ${id}, prompt: "capital ${id}?", assert: [{type: icontains, value: canberra}]}`
      ),
      ""
    ].join("\n")
  );
});
afterAll(() => fake.close());

const cli = (args: ReadonlyArray<string>) =>
  consortium(args, { cwd: dir, env: { ...fakeLlmEnv(fake), CONSORTIUM_DB: join(dir, "runs.db") } });

describe("eval progress", () => {
  it("in a log: a plain line (every 10 results and at the last); with --quiet nothing", async () => {
    const run = await cli(["eval", "suite.yaml"]);
    expect(run.stderr).not.toMatch(STACK_FRAME);
    expect(run.code, run.stderr).toBe(1);
    expect(run.stderr).toMatch(/^eval: 6\/6 results \(3 passed, 3 failed\), \d+:\d\d elapsed$/m);
    const quiet = await cli(["eval", "suite.yaml", "--quiet"]);
    expect(quiet.code).toBe(1);
    expect(quiet.stderr).not.toContain("eval: ");
  });

  it("on a terminal: a bar redrawn in place with done/total, passed, failed, elapsed and what is left", () => {
    let out = "";
    let now = 0;
    const progress = makeEvalProgress({ write: (text) => (out += text), terminal: true, now: () => now });
    progress.started(4);
    now = 10_000;
    progress.result(true);
    now = 20_000;
    progress.result(false);
    progress.close();
    const frames = out.split("\r").filter(Boolean);
    expect(frames.at(-1)).toBe("\u001b[2K████████████░░░░░░░░░░░░ 2/4  ✓ 1  ✗ 1  0:20, ~0:20 left\n");
    expect(frames).toHaveLength(3);
  });
});

describe("past evals", () => {
  it("evals lists them; show <eval-id> gives each target's pass rate and the failing cases", async () => {
    const list = await cli(["evals", "--json"]);
    expect(list.code, list.stderr).toBe(0);
    const [latest] = JSON.parse(list.stdout) as Array<{ id: string; suite: string; passed: number; results: number }>;
    expect(latest).toMatchObject({ suite: "capitals", passed: 3, results: 6 });
    const table = await cli(["evals"]);
    expect(table.stdout).toMatch(/^ID\s+SUITE\s+STATUS/m);
    expect(table.stdout).toContain(latest!.id);

    const shown = await cli(["show", latest!.id]);
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stdout).toContain("suite capitals");
    expect(shown.stdout).toMatch(/^duo\s+3\/3\s+100\.0%$/m);
    expect(shown.stdout).toMatch(/^openai\/solo\s+0\/3\s+0\.0%$/m);
    expect(shown.stdout).toContain("failing (3):");
    expect(shown.stdout).toContain("answer: Sydney.");

    const missing = await cli(["show", "no-such-id"]);
    expect(missing.code).toBe(2);
    expect(missing.stderr.trim()).toBe(
      'no run with id "no-such-id", nor an eval (an eval id is given whole: consortium evals lists them)'
    );
    // a prefix finds a run, never an eval: the message says so rather than only "no run"
    const prefix = await cli(["show", latest!.id.slice(0, 8)]);
    expect(prefix.code).toBe(2);
    expect(prefix.stderr).toContain("an eval id is given whole");
  });

  it("runs marks an eval case's run (eval); --no-evals leaves those out", async () => {
    await cli(["run", "duo.yaml", "a run of my own"]);
    const all = JSON.parse((await cli(["runs", "--json", "--limit", "100"])).stdout) as Array<{
      origin: string | null;
    }>;
    expect(all.filter((run) => run.origin === "eval").length).toBeGreaterThan(0);
    expect((await cli(["runs"])).stdout).toContain("(eval)");
    const mine = JSON.parse((await cli(["runs", "--json", "--no-evals", "--limit", "100"])).stdout) as Array<{
      origin: string | null;
    }>;
    expect(mine).toHaveLength(1);
    expect(mine[0]?.origin).toBeNull();
  });
});
