import { existsSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Store } from "@consortium/store";
import { type FakeLlm, fakeLlmEnv, startFakeLlm } from "@consortium/testkit";
import { Effect } from "effect";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { consortium } from "./binary.js";

// `consortium eval` killed with SIGKILL (no chance to clean up) while one case hangs: every case that
// finished before stays in the database, whole (its run, its calls, its result), and the next command
// to open the database marks what was cut short interrupted.

const CONFIDENT =
  "<synthesis>Canberra, as every member said.</synthesis><confidence>0.9</confidence><analysis>a</analysis>" +
  "<dissent>d</dissent><needs_iteration>false</needs_iteration><refinement_areas></refinement_areas>";
const ANSWER = "Canberra is the capital; Sydney is only the largest city.";

let fake: FakeLlm;
let dir: string;

beforeAll(async () => {
  fake = await startFakeLlm();
  dir = mkdtempSync(join(tmpdir(), "consortium-killed-"));
  writeFileSync(join(dir, "pair.yaml"), "name: pair\nmembers: [openai/member:2]\narbiter: openai/judge\n");
  writeFileSync(
    join(dir, "suite.yaml"),
    [
      "name: killed",
      "targets: [pair.yaml]",
      "cases:",
      "  - {id: first, prompt: 'Capital of Australia?'}",
      "  - {id: second, prompt: 'Capital of Australia, again?'}",
      "  - {id: stuck, prompt: 'This one hangs.'}",
      ""
    ].join("\n")
  );
  fake.script("member", (request) =>
    request.messages.at(-1)?.content.includes("hangs") === true ? { fault: { type: "hang" } } : { text: ANSWER }
  );
  fake.script("judge", { text: CONFIDENT });
});
afterAll(() => fake.close());

/** How many case results the database holds (0 while it is not there or not migrated yet). */
const resultsIn = (db: string): Promise<number> =>
  Effect.gen(function* () {
    const [only] = yield* (yield* Store).listEvals();
    return only?.results ?? 0;
  }).pipe(
    Effect.provide(Store.layer(db, { readOnly: true })),
    Effect.orElseSucceed(() => 0),
    Effect.runPromise
  );

/** Resolves once the database holds `count` case results: the finished cases are on disk. */
const whenResults = (db: string, count: number): Promise<void> =>
  new Promise((resolve) => {
    const check = () => void resultsIn(db).then((found) => (found >= count ? resolve() : setTimeout(check, 20)));
    check();
  });

describe("an eval killed mid-way", () => {
  it("keeps every case that finished, whole, and the next open marks the rest interrupted", async () => {
    const db = join(dir, "killed.db");
    const killed = await consortium(["eval", "-j", "3", "suite.yaml", "--db", db], {
      cwd: dir,
      env: fakeLlmEnv(fake),
      whileRunning: (pid) => {
        void whenResults(db, 2).then(() => {
          // the stuck case's members are still waiting on the fake
          process.kill(pid, "SIGKILL");
        });
      }
    });
    expect(killed.signal).toBe("SIGKILL");

    const listed = await consortium(["runs", "--json", "--db", db], { cwd: dir });
    expect(listed.code, listed.stderr).toBe(0);
    const runs = JSON.parse(listed.stdout) as ReadonlyArray<{ id: string; status: string }>;
    expect(runs.map((run) => run.status).sort()).toEqual(["completed", "completed", "interrupted"]);
    for (const { id } of runs.filter((run) => run.status === "completed")) {
      const shown = await consortium(["show", id, "--json", "--db", db], { cwd: dir });
      const run = JSON.parse(shown.stdout);
      expect(run.calls.map((call: { role: string }) => call.role)).toEqual(["member", "member", "arbiter"]);
      // the result reads back whole: the answers its calls hold are put back in it
      expect(run.iterations[0].responses.map((response: { text: string }) => response.text)).toEqual([ANSWER, ANSWER]);
      expect(run.iterations[0].arbiter.raw).toBe(CONFIDENT);
      expect(run.synthesis.text).toBe("Canberra, as every member said.");
    }
    const evals = await consortium(["evals", "--json", "--db", db], { cwd: dir });
    expect(JSON.parse(evals.stdout)).toMatchObject([{ suite: "killed", status: "interrupted", results: 2, passed: 2 }]);
    // the killed writer's spare marks are gone too
    expect(existsSync(`${db}-runs`) ? readdirSync(`${db}-runs`) : []).toEqual([]);
  }, 120_000);
});
