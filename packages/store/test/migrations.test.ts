import { join } from "node:path";
import { latestMigration, migrations, Store } from "@consortium/store";
import { afterAll, describe, expect, it } from "@effect/vitest";
import BetterSqlite3 from "better-sqlite3";
import { Effect, Layer } from "effect";
import { Kysely, SqliteDialect } from "kysely";
import { makeMigrator } from "../src/sqlite/openSqlite.js";
import { memberCall, runEnded, runStarted, tempDir } from "./fixtures.js";

const tmp = tempDir();
afterAll(tmp.cleanup);

const columns = (db: BetterSqlite3.Database, table: string): ReadonlyArray<string> =>
  (db.pragma(`table_info(${table})`) as ReadonlyArray<{ name: string }>).map((column) => column.name);

const tables = (db: BetterSqlite3.Database): ReadonlyArray<string> =>
  (
    db
      .prepare("select name from sqlite_master where type = 'table' and name not like 'sqlite_%' order by name")
      .all() as ReadonlyArray<{ name: string }>
  ).map((row) => row.name);

/** A database as an older consortium left it: migrated only up to `target`. */
const migrateTo = async (path: string, target: string): Promise<void> => {
  const db = new Kysely<unknown>({ dialect: new SqliteDialect({ database: new BetterSqlite3(path) }) });
  const { error } = await makeMigrator(db).migrateTo(target);
  await db.destroy();
  if (error !== undefined) throw error;
};

describe("migrations", () => {
  it("are listed in order, the last one being latestMigration", () => {
    const names = Object.keys(migrations);
    expect(names).toEqual([...names].sort());
    expect(names.at(-1)).toBe(latestMigration);
  });

  it.effect("take an empty database to the latest version", () => {
    const path = join(tmp.dir, "empty.db");
    return Effect.gen(function* () {
      yield* Effect.scoped(Layer.build(Store.layer(path)));
      const db = new BetterSqlite3(path, { readonly: true });
      try {
        expect(tables(db)).toEqual([
          "calls",
          "configs",
          "eval_results",
          "eval_shards",
          "evals",
          "kysely_migration",
          "kysely_migration_lock",
          "runs",
          // the prompt search index (FTS5) and its shadow tables
          "runs_prompt_search",
          "runs_prompt_search_config",
          "runs_prompt_search_data",
          "runs_prompt_search_idx"
        ]);
        expect(db.prepare("select name from kysely_migration order by name").pluck().all()).toEqual(
          Object.keys(migrations)
        );
        expect(columns(db, "calls")).toEqual([
          "id",
          "run_id",
          "iteration",
          "role",
          "provider",
          "model",
          "instance",
          "request_json",
          "answer",
          "parsed_json",
          "input_tokens",
          "output_tokens",
          "latency_ms",
          "attempts",
          "error_json",
          "started_at",
          "ended_at",
          "cost_usd",
          "inner_run_id",
          "layer"
        ]);
        expect(columns(db, "runs")).toContain("outer_run_id");
        expect(columns(db, "eval_results")).toContain("run_id");
        const indexes = db
          .prepare("select name from sqlite_master where type = 'index' and name not like 'sqlite_%'")
          .pluck()
          .all();
        expect(indexes).toEqual(
          expect.arrayContaining([
            "runs_started_at",
            "runs_running",
            "calls_run_id",
            "runs_outer_run_id",
            "eval_results_eval_id",
            "eval_results_run_id"
          ])
        );
        // The CHECK constraints keep statuses honest even for writers other than this code.
        expect(() =>
          db
            .prepare(
              "insert into runs (id, consortium, status, prompt, config_hash, started_at, pid, hostname) values ('x','c','done','p','h','t',1,'h')"
            )
            .run()
        ).toThrow();
      } finally {
        db.close();
      }
    });
  });

  it.effect("take a version-1 database with runs in it to the latest, keeping every row", () => {
    const path = join(tmp.dir, "v1.db");
    return Effect.gen(function* () {
      yield* Effect.promise(() => migrateTo(path, "0001_runs_and_calls"));
      {
        const db = new BetterSqlite3(path);
        expect(tables(db)).not.toContain("evals");
        db.prepare(
          "insert into runs (id, consortium, status, prompt, config_json, config_hash, started_at, pid, hostname) values ('old-run', 'research', 'completed', 'old prompt', '{}', 'abc', '2024-12-31T00:00:00.000Z', 1, 'elsewhere')"
        ).run();
        db.prepare(
          "insert into calls (run_id, iteration, role, provider, model, instance, request_json, input_tokens, output_tokens, latency_ms, attempts, started_at, ended_at) values ('old-run', 1, 'member', 'openai', 'gpt-4.1-mini', 1, '{}', 1, 2, 3, 1, 't', 't')"
        ).run();
        db.close();
      }
      const old = yield* Effect.gen(function* () {
        const store = yield* Store;
        // The new tables work, and link to the old data.
        yield* store.recordEvalStarted({
          evalId: "e1",
          suite: "smoke",
          sourceFile: null,
          config: {},
          startedAt: "2025-01-01T00:00:00.000Z"
        });
        yield* store.recordEvalResult({
          evalId: "e1",
          caseId: "capital",
          target: "research",
          runId: "old-run",
          passed: true,
          status: "completed",
          output: "Canberra",
          assertions: [],
          latencyMs: 10,
          inputTokens: 1,
          outputTokens: 2,
          confidence: 0.9,
          costUsd: null,
          error: null,
          recordedAt: "2025-01-01T00:00:01.000Z"
        });
        // New runs still write as before.
        yield* store.runStarted(runStarted("new-run"));
        yield* store.callEnded(memberCall("new-run", 1, 1));
        yield* store.runEnded(runEnded("new-run", "completed"));
        // the prompt index covers the runs from before it as well as the new ones
        expect((yield* store.listRuns({ text: "OLD PROMPT" })).map((run) => run.id)).toEqual(["old-run"]);
        expect((yield* store.listRuns({ text: "capital of australia" })).map((run) => run.id)).toEqual(["new-run"]);
        return yield* store.getRun("old-run");
      }).pipe(Effect.provide(Store.layer(path)));
      expect(old).toMatchObject({ id: "old-run", status: "completed", prompt: "old prompt" });
      expect(old.calls).toHaveLength(1);
      const db = new BetterSqlite3(path, { readonly: true });
      try {
        expect(db.prepare("select name from kysely_migration order by name").pluck().all()).toEqual(
          Object.keys(migrations)
        );
        expect(db.prepare("select run_id from eval_results").pluck().get()).toBe("old-run");
      } finally {
        db.close();
      }
    });
  });

  it.effect("refuse a database from a newer consortium instead of guessing", () => {
    const path = join(tmp.dir, "newer.db");
    return Effect.gen(function* () {
      yield* Effect.scoped(Layer.build(Store.layer(path)));
      const db = new BetterSqlite3(path);
      db.prepare("insert into kysely_migration (name, timestamp) values ('0099_future', '2030-01-01')").run();
      db.close();
      const error = yield* Effect.flip(Effect.scoped(Layer.build(Store.layer(path))));
      expect(error.message).toContain("schema version 0099_future, newer than this consortium knows");
    });
  });
});
