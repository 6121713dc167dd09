import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Store } from "@consortium/store";
import { afterAll, describe, expect, it } from "@effect/vitest";
import BetterSqlite3 from "better-sqlite3";
import { Effect, Layer } from "effect";
import { sql } from "kysely";
import { BUSY_TIMEOUT_MS, CACHE_KIB, openSqlite } from "../src/sqlite/openSqlite.js";
import { arbiterCall, callsOfRun, config, memberCall, runEnded, runStarted, tempDir } from "./fixtures.js";

const tmp = tempDir();
afterAll(tmp.cleanup);
let counter = 0;
const freshDb = (): string => join(tmp.dir, `store-${++counter}.db`);

/** Reads a table as plain `sqlite3` would, bypassing the store. */
const rows = (path: string, query: string): ReadonlyArray<Record<string, unknown>> => {
  const db = new BetterSqlite3(path, { readonly: true });
  try {
    return db.prepare(query).all() as ReadonlyArray<Record<string, unknown>>;
  } finally {
    db.close();
  }
};

const recordRun = (store: Store["Type"], runId: string, status: "completed" | "degraded" | "failed" | "interrupted") =>
  Effect.gen(function* () {
    yield* store.runStarted(runStarted(runId));
    for (const call of callsOfRun(runId)) yield* store.callEnded(call);
    yield* store.runEnded(runEnded(runId, status));
  });

describe("Store: runs", () => {
  it.effect("writes a running row at start, a row per call as it ends, and the ending", () => {
    const path = freshDb();
    return Effect.gen(function* () {
      const store = yield* Store;
      yield* store.runStarted(runStarted("run-a"));
      const [started] = rows(
        path,
        "select runs.*, configs.config_json from runs left join configs on configs.key = runs.config_key"
      );
      expect(started).toMatchObject({
        id: "run-a",
        consortium: "research",
        status: "running",
        prompt: "What is the capital of Australia?\nAnswer in one sentence.",
        source_file: null,
        git_commit: null,
        git_dirty: null,
        ended_at: null,
        result_json: null,
        pid: process.pid
      });
      expect(started?.config_hash).toMatch(/^[0-9a-f]{64}$/);
      expect(JSON.parse(String(started?.config_json))).toMatchObject({ name: "research", maxIterations: 3 });

      yield* store.callEnded(memberCall("run-a", 1, 1));
      yield* store.callEnded(memberCall("run-a", 1, 2, { error: { type: "RateLimited", message: "429" }, text: null }));
      const calls = rows(path, "select * from calls order by id");
      expect(calls).toHaveLength(2);
      expect(calls[1]).toMatchObject({
        run_id: "run-a",
        iteration: 1,
        role: "member",
        provider: "openai",
        model: "gpt-4.1-mini",
        instance: 2,
        answer: null,
        error_json: '{"type":"RateLimited","message":"429"}',
        input_tokens: 22,
        output_tokens: 42,
        latency_ms: 1202,
        attempts: 1
      });
      expect(JSON.parse(String(calls[0]?.request_json))).toMatchObject({ model: "gpt-4.1-mini" });
      // The run's totals follow the calls while it runs, so `consortium runs` shows progress.
      expect(rows(path, "select input_tokens, output_tokens, iterations, status from runs")[0]).toEqual({
        input_tokens: 21 + 22,
        output_tokens: 41 + 42,
        iterations: 1,
        status: "running"
      });

      yield* store.callEnded(arbiterCall("run-a", 1));
      expect(
        JSON.parse(String(rows(path, "select parsed_json from calls where role = 'arbiter'")[0]?.parsed_json))
      ).toMatchObject({
        confidence: 0.6,
        needsIteration: true
      });

      yield* store.runEnded(runEnded("run-a", "completed"));
      const [ended] = rows(path, "select * from runs");
      expect(ended).toMatchObject({
        status: "completed",
        synthesis: "Canberra is the capital of Australia.",
        confidence: 0.9,
        iterations: 2,
        input_tokens: 1000,
        output_tokens: 500,
        cost_usd: 0.0123,
        ended_at: "2025-01-02T10:00:25.000Z",
        duration_ms: 25_000,
        error: null
      });
      expect(JSON.parse(String(ended?.result_json))).toMatchObject({ runId: "run-a", status: "completed" });
    }).pipe(Effect.provide(Store.layer(path)));
  });

  it.effect("records each ending status as the engine reports it", () => {
    const path = freshDb();
    return Effect.gen(function* () {
      const store = yield* Store;
      for (const status of ["completed", "degraded", "failed", "interrupted"] as const) {
        yield* recordRun(store, `run-${status}`, status);
      }
      expect(rows(path, "select id, status, synthesis, error from runs order by id")).toEqual([
        { id: "run-completed", status: "completed", synthesis: "Canberra is the capital of Australia.", error: null },
        { id: "run-degraded", status: "degraded", synthesis: "Canberra is the capital of Australia.", error: null },
        { id: "run-failed", status: "failed", synthesis: null, error: "no quorum: 0 of 3 members answered (need 1)" },
        {
          id: "run-interrupted",
          status: "interrupted",
          synthesis: "Canberra is the capital of Australia.",
          error: null
        }
      ]);
      expect(rows(path, "select count(*) as n from calls")[0]?.n).toBe(4 * 6);
    }).pipe(Effect.provide(Store.layer(path)));
  });

  it.effect("refuses a call or an ending for a run it never started", () => {
    const path = freshDb();
    return Effect.gen(function* () {
      const store = yield* Store;
      const call = yield* Effect.flip(store.callEnded(memberCall("ghost", 1, 1)));
      expect(call._tag).toBe("StoreError");
      expect(call.message).toContain("FOREIGN KEY");
      const end = yield* Effect.flip(store.runEnded(runEnded("ghost", "completed")));
      expect(end.message).toContain("run ghost was never recorded as started");
    }).pipe(Effect.provide(Store.layer(path)));
  });

  it.effect("lists recent runs newest first, with a prompt head, and honours the limit", () => {
    const path = freshDb();
    return Effect.gen(function* () {
      const store = yield* Store;
      const long = `${"x".repeat(300)}`;
      for (const [index, id] of ["r1", "r2", "r3"].entries()) {
        yield* store.runStarted(runStarted(id, { startedAt: `2025-01-0${index + 1}T00:00:00.000Z`, prompt: long }));
      }
      yield* store.runEnded(runEnded("r2", "completed"));
      const all = yield* store.listRuns();
      expect(all.map((run) => run.id)).toEqual(["r3", "r2", "r1"]);
      expect(all[0]?.promptHead).toHaveLength(200);
      expect(all[1]).toMatchObject({
        id: "r2",
        status: "completed",
        durationMs: 25_000,
        iterations: 2,
        confidence: 0.9,
        inputTokens: 1000,
        outputTokens: 500,
        costUsd: 0.0123
      });
      expect(all[0]).toMatchObject({ status: "running", endedAt: null, durationMs: null, confidence: null });
      expect((yield* store.listRuns({ limit: 2 })).map((run) => run.id)).toEqual(["r3", "r2"]);
    }).pipe(Effect.provide(Store.layer(path)));
  });

  it.effect("finds a run by its id or a unique prefix, and says when a prefix is ambiguous", () => {
    const path = freshDb();
    return Effect.gen(function* () {
      const store = yield* Store;
      for (const id of ["0193a1b2-aaaa", "0193a1b2-aabb", "0193ffff-0000", "abc"])
        yield* recordRun(store, id, "completed");
      yield* store.runStarted(runStarted("abcdef"));

      expect((yield* store.getRun("0193ffff-0000")).id).toBe("0193ffff-0000");
      expect((yield* store.getRun("0193f")).id).toBe("0193ffff-0000");
      // ULIDs are upper case; a lower-case prefix finds them too.
      yield* store.runStarted(runStarted("01JH3K2M7QX"));
      expect((yield* store.getRun("01jh3k")).id).toBe("01JH3K2M7QX");
      expect((yield* store.getRun("0193a1b2-aab")).id).toBe("0193a1b2-aabb");
      // An exact id wins even when it is also the prefix of another.
      expect((yield* store.getRun("abc")).id).toBe("abc");

      const ambiguous = yield* Effect.flip(store.getRun("0193a1b2"));
      expect(ambiguous._tag).toBe("AmbiguousRunId");
      expect(ambiguous.message).toBe('run id prefix "0193a1b2" is ambiguous: 0193a1b2-aaaa, 0193a1b2-aabb');
      const missing = yield* Effect.flip(store.getRun("zzz"));
      expect(missing._tag).toBe("RunNotFound");
      expect(missing.message).toBe('no run with id "zzz"');
      expect((yield* Effect.flip(store.getRun("")))._tag).toBe("RunNotFound");
      // LIKE wildcards are not wildcards here.
      expect((yield* Effect.flip(store.getRun("0193%")))._tag).toBe("RunNotFound");
    }).pipe(Effect.provide(Store.layer(path)));
  });

  it.effect("returns a run with its calls in order: by iteration, members before the arbiter", () => {
    const path = freshDb();
    return Effect.gen(function* () {
      const store = yield* Store;
      yield* store.runStarted(runStarted("ordered"));
      // Calls end out of order; an arbiter fallback ends after the failed main arbiter.
      yield* store.callEnded(memberCall("ordered", 1, 2));
      yield* store.callEnded(memberCall("ordered", 1, 1));
      yield* store.callEnded(
        arbiterCall("ordered", 1, { error: { type: "ServerError", message: "500" }, parsed: null })
      );
      yield* store.callEnded(arbiterCall("ordered", 1, { provider: "openai", model: "gpt-4.1", instance: 1 }));
      yield* store.callEnded(arbiterCall("ordered", 2));
      yield* store.callEnded(memberCall("ordered", 2, 1));
      yield* store.runEnded(runEnded("ordered", "completed"));

      const run = yield* store.getRun("ordered");
      expect(run.calls.map((call) => `${call.iteration}:${call.role}:${call.model}#${call.instance}`)).toEqual([
        "1:member:gpt-4.1-mini#2",
        "1:member:gpt-4.1-mini#1",
        "1:arbiter:claude-sonnet-4-5#0",
        "1:arbiter:gpt-4.1#1",
        "2:member:gpt-4.1-mini#1",
        "2:arbiter:claude-sonnet-4-5#0"
      ]);
      expect(run.calls[2]?.error).toEqual({ type: "ServerError", message: "500" });
      expect(run.calls[3]?.parsed).toMatchObject({
        confidence: 0.6,
        refinementAreas: ["cite the 1908 decision", "mention the Parliament House"]
      });
      expect(run.result?.iterations).toHaveLength(2);
      expect(run.config).toMatchObject({ name: "research" });
      expect(run).toMatchObject({ status: "completed", gitDirty: null, durationMs: 25_000 });
    }).pipe(Effect.provide(Store.layer(path)));
  });

  it.effect("hashes the config by content: key order and source path do not matter, a setting does", () => {
    const path = freshDb();
    return Effect.gen(function* () {
      const store = yield* Store;
      const base = config();
      const reordered = Object.fromEntries(Object.entries(base).reverse()) as typeof base;
      yield* store.runStarted(runStarted("h1", { config: base }));
      yield* store.runStarted(runStarted("h2", { config: { ...reordered, source: "/elsewhere/research.yaml" } }));
      yield* store.runStarted(runStarted("h3", { config: { ...base, confidenceThreshold: 0.9 } }));
      const hashes = rows(path, "select config_hash from runs order by id").map((row) => row.config_hash);
      expect(hashes[0]).toBe(hashes[1]);
      expect(hashes[2]).not.toBe(hashes[0]);
    }).pipe(Effect.provide(Store.layer(path)));
  });

  it.effect("notes the git commit of the source file and whether the file differs from it", () => {
    const path = freshDb();
    const repo = join(tmp.dir, "repo");
    mkdirSync(join(repo, "consortia"), { recursive: true });
    const file = join(repo, "consortia", "research.yaml");
    writeFileSync(file, "name: research\n");
    const git = (...args: Array<string>) =>
      execFileSync("git", ["-c", "user.email=t@example.com", "-c", "user.name=t", ...args], {
        cwd: repo,
        encoding: "utf8"
      }).trim();
    git("init", "-q");
    git("add", ".");
    git("commit", "-qm", "init");
    const head = git("rev-parse", "HEAD");
    const outside = join(tmp.dir, "outside.yaml");
    writeFileSync(outside, "name: research\n");
    return Effect.gen(function* () {
      const store = yield* Store;
      yield* store.runStarted(runStarted("clean", { config: config({ source: file }) }));
      writeFileSync(file, "name: research\nmax_iterations: 5\n");
      yield* store.runStarted(runStarted("dirty", { config: config({ source: file }) }));
      yield* store.runStarted(runStarted("nogit", { config: config({ source: outside }) }));
      expect(rows(path, "select id, source_file, git_commit, git_dirty from runs order by id")).toEqual([
        { id: "clean", source_file: file, git_commit: head, git_dirty: 0 },
        { id: "dirty", source_file: file, git_commit: head, git_dirty: 1 },
        { id: "nogit", source_file: outside, git_commit: null, git_dirty: null }
      ]);
    }).pipe(Effect.provide(Store.layer(path)));
  });
});

describe("Store: opening", () => {
  it.effect(
    "creates the folder, and sets WAL, busy timeout, foreign keys, synchronous=NORMAL and a 2 MB page cache",
    () => {
      const path = join(tmp.dir, "deep", "er", "consortium.db");
      return Effect.gen(function* () {
        yield* Store;
        const db = new BetterSqlite3(path);
        try {
          // journal_mode is stored in the file; the other pragmas are per connection, so check ours.
          expect(db.pragma("journal_mode", { simple: true })).toBe("wal");
        } finally {
          db.close();
        }
        // The connection the store writes through, opening a new file: on a file already in WAL mode
        // this SQLite build starts at synchronous=NORMAL by itself, so only a first open tells.
        const backend = openSqlite(join(tmp.dir, "fresh", "consortium.db"));
        try {
          const pragma = (name: string) =>
            Effect.promise(() => sql.raw(`pragma ${name}`).execute(backend.db)).pipe(
              Effect.map((result) => Object.values(result.rows[0] as Record<string, unknown>)[0])
            );
          expect(yield* pragma("journal_mode")).toBe("wal");
          expect(yield* pragma("busy_timeout")).toBe(BUSY_TIMEOUT_MS);
          expect(yield* pragma("foreign_keys")).toBe(1);
          // 0 OFF, 1 NORMAL, 2 FULL (the default)
          expect(yield* pragma("synchronous")).toBe(1);
          // negative: KiB
          expect(yield* pragma("cache_size")).toBe(-CACHE_KIB);
        } finally {
          yield* Effect.promise(() => backend.db.destroy());
        }
      }).pipe(Effect.provide(Store.layer(path)));
    }
  );

  it.effect("reports a path it cannot open as a StoreError naming the path, not a stack trace", () => {
    const blocker = join(tmp.dir, "a-file");
    writeFileSync(blocker, "");
    const path = join(blocker, "consortium.db");
    return Effect.gen(function* () {
      const error = yield* Effect.flip(Effect.scoped(Layer.build(Store.layer(path))));
      expect(error._tag).toBe("StoreError");
      expect(error.message).toContain(`cannot open the database at ${path}`);
    });
  });

  it.effect("reports a file that is not a database", () => {
    const path = join(tmp.dir, "not-a-db.db");
    writeFileSync(path, "this is not SQLite, just text that is long enough to have a header ".repeat(10));
    return Effect.gen(function* () {
      const error = yield* Effect.flip(Effect.scoped(Layer.build(Store.layer(path))));
      expect(error.message).toMatch(/cannot open the database at .*not-a-db\.db: file is not a database/);
    });
  });
});
