import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { consortium, STACK_FRAME } from "./binary.js";
import { freshSchemaUrl, pgEnabled } from "./pg.js";

// One eval from a CI matrix: shard processes writing one eval in a shared PostgreSQL store at once,
// and the same shards' JSON reports merged with no database at all. The example suite is replayed
// from its cassette: no server, no keys.

const suite = "examples/eval/suite.yaml";
const cassette = "examples/eval/suite.cassette.jsonl";
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "consortium-shards-"));
});

const shardRun = (index: number, count: number, extra: ReadonlyArray<string>, env: NodeJS.ProcessEnv = {}) =>
  consortium(
    [
      "eval",
      suite,
      "--replay",
      cassette,
      "--shard",
      `${index}/${count}`,
      "-o",
      join(dir, `shard-${index}.json`),
      ...extra
    ],
    { env }
  );

interface TargetCounts {
  readonly target: string;
  readonly total: number;
  readonly passed: number;
}
const counts = (targets: ReadonlyArray<TargetCounts>) =>
  targets.map(({ target, total, passed }) => ({ target, total, passed }));

describe("sharded evals", () => {
  it("--eval-id defaults to $GITHUB_RUN_ID-$GITHUB_RUN_ATTEMPT, and a bad one is exit 2", async () => {
    const ran = await shardRun(1, 4, ["--no-log"], { GITHUB_RUN_ID: "777", GITHUB_RUN_ATTEMPT: "2" });
    expect(ran.stderr).not.toMatch(STACK_FRAME);
    expect(JSON.parse(readFileSync(join(dir, "shard-1.json"), "utf8")).evalId).toBe("777-2");
    const bad = await shardRun(1, 4, ["--no-log", "--eval-id", "has space"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr.split("\n")[0]).toMatch(/^--eval-id "has space": use up to 128 letters/);
  });

  it.runIf(pgEnabled)(
    "four shard processes write one PostgreSQL eval at once; show reports it whole, and --merge of their JSON agrees",
    async () => {
      const db = await freshSchemaUrl(`shards_${process.pid}`);
      const exits = await Promise.all(
        [1, 2, 3, 4].map((index) => shardRun(index, 4, ["--eval-id", "matrix-1", "--db", db]))
      );
      for (const exit of exits) {
        expect(exit.stderr).not.toMatch(STACK_FRAME);
        expect(exit.stderr).not.toContain("could not save");
        expect([0, 1]).toContain(exit.code);
      }
      const shown = await consortium(["show", "matrix-1", "--json", "--db", db]);
      expect(shown.code).toBe(0);
      const stored = JSON.parse(shown.stdout);
      expect(stored.status).not.toBe("running");
      expect(stored.missingShards).toEqual([]);
      expect(stored.shards.map((shard: { index: number; status: string }) => shard.index)).toEqual([1, 2, 3, 4]);
      // every case × target exactly once
      const reports = [1, 2, 3, 4].map((index) => JSON.parse(readFileSync(join(dir, `shard-${index}.json`), "utf8")));
      const expected = reports.flatMap((report) =>
        report.cases.flatMap((one: { id: string; results: Array<{ target: string }> }) =>
          one.results.map((result) => `${one.id} × ${result.target}`)
        )
      );
      const recorded = stored.results.map(
        (result: { caseId: string; target: string }) => `${result.caseId} × ${result.target}`
      );
      expect(recorded.sort()).toEqual([...expected].sort());
      expect(new Set(recorded).size).toBe(recorded.length);
      expect(recorded.length).toBeGreaterThanOrEqual(8);

      const text = await consortium(["show", "matrix-1", "--db", db]);
      expect(text.stdout).toMatch(/^eval matrix-1 {2}suite smoke {2}(passed|failed)\nshards: 4 of 4 ended\n/);

      const merged = await consortium([
        "eval",
        "--merge",
        ...[1, 2, 3, 4].map((index) => join(dir, `shard-${index}.json`)),
        "-o",
        join(dir, "merged.json"),
        "--junit",
        join(dir, "merged.xml")
      ]);
      expect(merged.stderr).not.toMatch(STACK_FRAME);
      expect(merged.code).toBe(stored.status === "passed" ? 0 : 1);
      const report = JSON.parse(readFileSync(join(dir, "merged.json"), "utf8"));
      expect(counts(report.targets)).toEqual(counts(stored.summary.targets));
      expect(report.cases).toHaveLength(reports.reduce((sum, one) => sum + one.cases.length, 0));
      expect(readFileSync(join(dir, "merged.xml"), "utf8")).toContain("<testsuites");
    },
    180_000
  );

  it.runIf(pgEnabled)("show names the shards still missing", async () => {
    const db = await freshSchemaUrl(`partial_${process.pid}`);
    const ran = await shardRun(2, 3, ["--eval-id", "partial-1", "--db", db]);
    expect([0, 1]).toContain(ran.code);
    const shown = await consortium(["show", "partial-1", "--db", db]);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain("shards: 1 of 3 ended");
    expect(shown.stdout).toContain("missing: shard 1/3, 3/3 never started here");
  });

  it("a shard with no id to share warns and its eval ends as an error; an ended eval or another suite's is refused", async () => {
    const db = join(dir, "joins.db");
    const alone = await shardRun(1, 2, ["--db", db]);
    expect(alone.stderr).toContain("warning: --shard 1/2 without --eval-id: the other shards cannot join this eval");
    const { evalId } = JSON.parse(readFileSync(join(dir, "shard-1.json"), "utf8"));
    const shown = await consortium(["show", evalId, "--db", db, "--json"]);
    expect(JSON.parse(shown.stdout)).toMatchObject({ status: "error", missingShards: [2] });
    expect((await consortium(["show", evalId, "--db", db])).stdout).toContain(
      "missing: shard 2/2 never started here, and cannot join: this shard ran without a shared --eval-id"
    );

    const whole = await consortium(["eval", suite, "--replay", cassette, "--eval-id", "ci-1", "--db", db]);
    expect([0, 1]).toContain(whole.code);
    const ended = JSON.parse((await consortium(["show", "ci-1", "--db", db, "--json"])).stdout);
    const again = await shardRun(1, 2, ["--eval-id", "ci-1", "--db", db]);
    expect(again.code).toBe(2);
    expect(again.stderr.trim()).toBe(
      `--eval-id: eval ci-1 has ended (${ended.status}): a shard cannot be added to it or run again; use a new --eval-id`
    );
    const mixed = await shardRun(1, 2, ["--eval-id", "ci-2", "--db", db]);
    expect([0, 1]).toContain(mixed.code);
    const other = await shardRun(2, 2, ["--eval-id", "ci-2", "--db", db, "--target", "openai/gpt-4.1-mini"]);
    expect(other.code).toBe(2);
    expect(other.stderr.trim()).toMatch(/^--eval-id: eval ci-2 has targets .*, not openai\/gpt-4\.1-mini: /);
    const after = JSON.parse((await consortium(["show", "ci-1", "--db", db, "--json"])).stdout);
    expect(after.results).toHaveLength(ended.results.length);
    for (const run of [alone, again, other]) expect(run.stderr).not.toMatch(STACK_FRAME);
  });

  it("--merge refuses reports that overlap or come from different suites: exit 2 and the reason", async () => {
    await shardRun(1, 2, ["--no-log"]);
    const one = join(dir, "shard-1.json");
    const overlap = await consortium(["eval", "--merge", one, one]);
    expect(overlap.code).toBe(2);
    expect(overlap.stderr.split("\n")[0]).toMatch(/^cannot merge overlapping reports: case "[^"]+" is in both /);
    const other = join(dir, "other-suite.json");
    writeFileSync(other, JSON.stringify({ ...JSON.parse(readFileSync(one, "utf8")), suite: "another", cases: [] }));
    const suites = await consortium(["eval", "--merge", one, other]);
    expect(suites.code).toBe(2);
    expect(suites.stderr.split("\n")[0]).toMatch(
      /^cannot merge reports of different suites: .* is "smoke", .* is "another"$/
    );
    const notReport = await consortium(["eval", "--merge", one, suite]);
    expect(notReport.code).toBe(2);
    expect(notReport.stderr.split("\n")[0]).toBe(`--merge: ${suite} is not an eval's JSON report (consortium eval -o)`);
    const withShard = await consortium(["eval", "--merge", one, "--shard", "1/2"]);
    expect(withShard.code).toBe(2);
    // merging reads the reports alone: a database named beside it would be silently unused
    const withDb = await consortium(["eval", "--merge", one, "--db", join(dir, "unused.db")]);
    expect(withDb.code).toBe(2);
    expect(withDb.stderr.split("\n")[0]).toBe("--merge combines finished reports; it does not take --db");
    // a CI matrix whose other job never uploaded its report: no merged report passes for the whole suite
    const alone = await consortium(["eval", "--merge", one, "-o", join(dir, "alone.json")]);
    expect(alone.code).toBe(2);
    expect(alone.stdout).toBe("");
    expect(alone.stderr.trim()).toBe(
      `cannot merge an incomplete eval: shard 2/2 is missing (given: shard 1/2 in ${one})`
    );
    expect(existsSync(join(dir, "alone.json"))).toBe(false);
    for (const run of [overlap, suites, notReport, withShard, alone]) expect(run.stderr).not.toMatch(STACK_FRAME);
  });
});
