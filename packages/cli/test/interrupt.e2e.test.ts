import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type FakeLlm, fakeLlmEnv, startFakeLlm } from "@consortium/testkit";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { consortium, STACK_FRAME } from "./binary.js";

// Ctrl-C on the real binary, sent once the command is provably busy (calls in flight at the fake
// server), never after a guessed delay: it ends with 130 and the runs it had started are recorded as
// interrupted.

let fake: FakeLlm;
let dir: string;

beforeAll(async () => {
  fake = await startFakeLlm({ defaultReply: { fault: { type: "hang" } } });
  dir = mkdtempSync(join(tmpdir(), "consortium-interrupt-"));
  writeFileSync(
    join(dir, "crowd.yaml"),
    "name: crowd\nmembers: [openai/slow:4]\narbiter: openai/judge\nlimits: {concurrency: 2}\n"
  );
  writeFileSync(join(dir, "suite.yaml"), "name: s\ntargets: [crowd.yaml]\ncases: [{id: one, prompt: hi}]\n");
});
afterAll(() => fake.close());
beforeEach(() => fake.reset());

/** Resolves once the fake server has `count` requests in flight: the command is busy. */
const whenInFlight = (count: number): Promise<void> =>
  new Promise((resolve) => {
    const check = () => (fake.stats.inFlight >= count ? resolve() : setTimeout(check, 20));
    check();
  });

const interruptWhenBusy = (args: ReadonlyArray<string>, db: string) => {
  const run = consortium(args, {
    cwd: dir,
    env: { ...fakeLlmEnv(fake), CONSORTIUM_DB: db },
    whileRunning: (pid) => {
      void whenInFlight(2).then(() => {
        process.kill(pid, "SIGINT");
      });
    }
  });
  return run;
};

describe("SIGINT", () => {
  it("ends a run whose members wait on the gates with 130, recorded interrupted", async () => {
    const db = join(dir, "run.db");
    const result = await interruptWhenBusy(["run", "crowd.yaml", "hi"], db);
    expect(result.code, result.stderr).toBe(130);
    expect(result.stderr).not.toMatch(STACK_FRAME);
    const runs = await consortium(["runs", "--json", "--db", db], { cwd: dir });
    const listed: Array<{ id: string; status: string }> = JSON.parse(runs.stdout);
    expect(listed.map((run) => run.status)).toEqual(["interrupted"]);
    // one line saying what became of the run, once the store has it
    expect(result.stderr.trim()).toBe(`interrupted: run ${listed[0]!.id} stored as interrupted`);
  });

  it("says which run it stopped when nothing is recorded (--no-log)", async () => {
    const result = await interruptWhenBusy(["run", "crowd.yaml", "hi", "--no-log"], join(dir, "unused.db"));
    expect(result.code, result.stderr).toBe(130);
    expect(result.stderr.trim()).toMatch(/^interrupted: run \S+ not recorded \(--no-log\)$/);
  });

  it("ends an eval with one line of how far it got and the reports of what finished", async () => {
    // -j 1: the hanging case starts only once the answered one's result is done
    fake.script("m", (request) =>
      JSON.stringify(request.messages).includes("quick") ? { text: "Canberra" } : { fault: { type: "hang" } }
    );
    writeFileSync(
      join(dir, "two.yaml"),
      "name: two\ntargets: [{model: openai/m}]\n" +
        "cases:\n  - {id: a, prompt: quick, assert: [{type: contains, value: Canberra}]}\n  - {id: b, prompt: slow}\n"
    );
    for (const logging of [["--db", join(dir, "two.db")], ["--no-log"]]) {
      const json = join(dir, `two${logging[0]}.json`);
      const junit = join(dir, `two${logging[0]}.xml`);
      const run = consortium(["eval", "two.yaml", "-j", "1", "-o", json, "--junit", junit, ...logging], {
        cwd: dir,
        env: fakeLlmEnv(fake),
        whileRunning: (pid) => {
          void whenInFlight(1).then(() => process.kill(pid, "SIGINT"));
        }
      });
      const result = await run;
      expect(result.code, result.stderr).toBe(130);
      expect(result.stderr).not.toMatch(STACK_FRAME);
      expect(result.stderr).toContain("interrupted: 1 of 2 results done\n");
      const report = JSON.parse(readFileSync(json, "utf8"));
      expect(report.interrupted).toEqual({ resultsPlanned: 2 });
      expect(report.cases.map((c: { id: string }) => c.id)).toEqual(["a"]);
      expect(existsSync(junit) && readFileSync(junit, "utf8")).toContain('<property name="interrupted" value="true"/>');
      fake.reset();
      fake.script("m", (request) =>
        JSON.stringify(request.messages).includes("quick") ? { text: "Canberra" } : { fault: { type: "hang" } }
      );
    }
  });

  it("ends `consortium eval` (the spawned binary) with 130", async () => {
    const db = join(dir, "eval.db");
    const result = await interruptWhenBusy(["eval", "suite.yaml"], db);
    expect(result.code, result.stderr).toBe(130);
    expect(result.stderr).not.toMatch(STACK_FRAME);
  });
});
