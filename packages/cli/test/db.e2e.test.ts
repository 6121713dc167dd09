import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { type FakeLlm, fakeLlmEnv, startFakeLlm } from "@consortium/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { consortium, STACK_FRAME } from "./binary.js";
import { freshSchemaUrl, pgEnabled } from "./pg.js";

// `consortium db`: the schema on purpose, and a laptop's SQLite history moved into the team's
// PostgreSQL, after which `runs` and `show` print the same from either.

const CONFIDENT =
  "<synthesis>Canberra.</synthesis><confidence>0.9</confidence><analysis>a</analysis><dissent>d</dissent>" +
  "<needs_iteration>false</needs_iteration><refinement_areas></refinement_areas>";

let fake: FakeLlm;
let dir: string;

beforeAll(async () => {
  fake = await startFakeLlm();
  dir = mkdtempSync(join(tmpdir(), "consortium-db-"));
});
afterAll(() => fake?.close());

describe.runIf(pgEnabled)("consortium db", () => {
  it("status, migrate, and copy from SQLite to PostgreSQL; runs and show then agree", async () => {
    const sqlite = join(dir, "laptop.db");
    const file = join(dir, "pair.yaml");
    writeFileSync(file, "name: pair\nmembers: [openai/fast, openai/slow]\narbiter: openai/judge\n");
    fake.script("judge", { text: CONFIDENT });
    const ran = await consortium(["run", file, "Capital of Australia?", "--json", "--db", sqlite], {
      env: fakeLlmEnv(fake)
    });
    expect(ran.code).toBe(0);
    const { runId } = JSON.parse(ran.stdout);
    const evaluated = await consortium([
      "eval",
      "examples/eval/suite.yaml",
      "--replay",
      "examples/eval/suite.cassette.jsonl",
      "--shard",
      "1/4",
      "--eval-id",
      "laptop-eval",
      "--db",
      sqlite
    ]);
    expect([0, 1]).toContain(evaluated.code);

    const url = await freshSchemaUrl(`db_${process.pid}`);
    const before = await consortium(["db", "status", "--db", url]);
    expect(before.code).toBe(1);
    expect(before.stdout).toContain("applied: none");
    expect(before.stdout).toMatch(/pending: 0001_runs_and_calls, .*\(consortium db migrate applies them\)/);
    const migrated = await consortium(["db", "migrate", "--db", url]);
    expect(migrated.code).toBe(0);
    expect(migrated.stdout).toMatch(/: applied 0001_runs_and_calls, /);
    expect(migrated.stdout).not.toContain("test-password");
    const again = await consortium(["db", "migrate", "--db", url]);
    expect(again.stdout).toContain("already up to date");
    const after = await consortium(["db", "status", "--db", url]);
    expect(after.code).toBe(0);
    expect(after.stdout).toContain("up to date");

    const copied = await consortium(["db", "copy", "--from", sqlite, "--to", url]);
    expect(copied.stderr).toBe("");
    expect(copied.code).toBe(0);
    // the run, and the consortium runs of the eval's cases
    const [, runCount] = copied.stdout.match(/^copied (\d+) runs \(\d+ calls\) and 1 evals \(\d+ results\)$/m) ?? [];
    expect(Number(runCount)).toBeGreaterThan(1);
    const twice = await consortium(["db", "copy", "--from", sqlite, "--to", url]);
    expect(twice.stdout).toContain(
      `copied 0 runs (0 calls) and 0 evals (0 results); already there: ${runCount} runs, 1 evals`
    );

    for (const args of [["runs"], ["show", runId], ["show", "laptop-eval"]]) {
      const fromSqlite = await consortium([...args, "--db", sqlite]);
      const fromPostgres = await consortium([...args, "--db", url]);
      expect(fromPostgres.code).toBe(0);
      expect(fromPostgres.stdout).toBe(fromSqlite.stdout);
    }
    // jsonb keeps objects, not their key order: the same values, perhaps differently ordered
    for (const args of [
      ["runs", "--json"],
      ["show", runId, "--json"],
      ["show", "laptop-eval", "--json"]
    ]) {
      const fromSqlite = await consortium([...args, "--db", sqlite]);
      const fromPostgres = await consortium([...args, "--db", url]);
      expect(JSON.parse(fromPostgres.stdout)).toEqual(JSON.parse(fromSqlite.stdout));
    }
  }, 180_000);

  it("a server it cannot reach is one line and exit 2", async () => {
    const status = await consortium(["db", "status", "--db", "postgres://someone:hunter22@127.0.0.1:1/team"]);
    expect(status.code).toBe(2);
    expect(status.stderr).not.toMatch(STACK_FRAME);
    expect(status.stderr).not.toContain("hunter22");
    expect(status.stderr.trim()).toBe(
      "database: read the schema version (postgres://someone@127.0.0.1:1/team): connect ECONNREFUSED 127.0.0.1:1"
    );
  });
});

describe("consortium db copy onto itself", () => {
  it("is one line and exit 2, however the file is spelled", async () => {
    const file = join(dir, "same.db");
    const made = await consortium(["db", "migrate", "--db", file]);
    expect(made.code, made.stderr).toBe(0);
    for (const to of [file, join(dir, ".", "..", basename(dir), "same.db")]) {
      const copied = await consortium(["db", "copy", "--from", file, "--to", to], { cwd: dir });
      expect(copied.stderr).not.toMatch(STACK_FRAME);
      expect(copied.code).toBe(2);
      expect(copied.stdout).toBe("");
      expect(copied.stderr.trim()).toBe(`db copy: --from and --to are the same database (${file})`);
    }
  });
});
