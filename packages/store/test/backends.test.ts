import { hostname } from "node:os";
import { Store } from "@consortium/store";
import { afterAll, describe, expect, it } from "@effect/vitest";
import { Effect, type Either, Layer, TestClock } from "effect";
import { sql } from "kysely";
import { openDatabase } from "../src/openDatabase.js";
import { backends, cleanupBackends } from "./backends.js";
import { arbiterCall, at, config, memberCall, runEnded, runStarted } from "./fixtures.js";

// The store's behaviour through its API, the same tests on every backend: what holds on SQLite
// holds on PostgreSQL. (SQLite writers racing from several processes: multiprocess.test.ts; in one
// process its synchronous driver would only wait on itself.)

afterAll(cleanupBackends);

const here = hostname();
const CANARY = "sk-canary-pg-3c4d5e6f7a8b9c0d";

/** Every row of every table as text, read through the backend itself. */
const everything = (location: string) =>
  Effect.scoped(
    Effect.flatMap(openDatabase(location), (backend) =>
      Effect.promise(async () => {
        const tables = ["runs", "calls", "evals", "eval_results", "eval_shards"] as const;
        const dumps = await Promise.all(tables.map((table) => backend.db.selectFrom(table).selectAll().execute()));
        return JSON.stringify(dumps);
      })
    )
  );

describe.each(backends)("the store on $name", (backend) => {
  const fresh = Effect.promise(() => backend.fresh());

  it.effect("records a run as it happens: running, a row per call with live totals, then its ending", () =>
    Effect.gen(function* () {
      const location = yield* fresh;
      yield* Effect.gen(function* () {
        const store = yield* Store;
        yield* store.runStarted(runStarted("run-a"));
        yield* store.callEnded(memberCall("run-a", 1, 1));
        yield* store.callEnded(
          memberCall("run-a", 1, 2, { error: { type: "RateLimited", message: "429" }, text: null })
        );
        const [live] = yield* store.listRuns();
        expect(live).toMatchObject({
          id: "run-a",
          status: "running",
          inputTokens: 43,
          outputTokens: 83,
          iterations: 1
        });
        yield* store.callEnded(arbiterCall("run-a", 1));
        yield* store.callEnded(memberCall("run-a", 2, 1));
        yield* store.runEnded(runEnded("run-a", "completed"));
        const run = yield* store.getRun("run-a");
        expect(run).toMatchObject({
          status: "completed",
          synthesis: "Canberra is the capital of Australia.",
          confidence: 0.9,
          iterations: 2,
          inputTokens: 1000,
          outputTokens: 500,
          costUsd: 0.0123,
          startedAt: "2025-01-02T10:00:00.000Z",
          endedAt: "2025-01-02T10:00:25.000Z",
          durationMs: 25_000,
          gitCommit: null,
          gitDirty: null,
          pid: process.pid,
          hostname: here
        });
        expect(run.configHash).toMatch(/^[0-9a-f]{64}$/);
        expect(run.config).toMatchObject({ name: "research", maxIterations: 3 });
        expect(run.result).toMatchObject({ runId: "run-a", status: "completed" });
        expect(run.calls.map((call) => `${call.iteration}:${call.role}#${call.instance}`)).toEqual([
          "1:member#1",
          "1:member#2",
          "1:arbiter#0",
          "2:member#1"
        ]);
        expect(run.calls[1]).toMatchObject({
          error: { type: "RateLimited", message: "429" },
          text: null,
          latencyMs: 1202
        });
        expect(run.calls[2]?.parsed).toMatchObject({ confidence: 0.6, needsIteration: true });
        expect(run.calls[0]?.startedAt).toBe("2025-01-02T10:00:10.000Z");
        const missing = yield* Effect.flip(store.runEnded(runEnded("ghost", "completed")));
        expect(missing.message).toContain("run ghost was never recorded as started");
      }).pipe(Effect.provide(Store.layer(location)));
    })
  );

  it.effect("writes arriving together share a commit, and a bad one among them fails alone with its reason", () =>
    Effect.gen(function* () {
      const location = yield* fresh;
      yield* Effect.gen(function* () {
        const store = yield* Store;
        const ids = ["burst-1", "burst-2", "burst-3"];
        yield* Effect.all(
          ids.map((id) => store.runStarted(runStarted(id))),
          { concurrency: "unbounded" }
        );
        const outcomes = yield* Effect.all(
          [
            ...ids.map((id) => store.callEnded(memberCall(id, 1, 1))),
            store.runEnded(runEnded("ghost", "completed")),
            ...ids.map((id) => store.callEnded(arbiterCall(id, 1)))
          ].map(Effect.either),
          { concurrency: "unbounded" }
        );
        expect(outcomes.map((outcome) => outcome._tag)).toEqual([
          "Right",
          "Right",
          "Right",
          "Left",
          "Right",
          "Right",
          "Right"
        ]);
        const ghost = outcomes[3];
        expect(ghost?._tag === "Left" ? ghost.left.message : "").toContain("run ghost was never recorded as started");
        // Its start may yet land (a retried write): not a refusal of what it holds
        expect(ghost?._tag === "Left" ? ghost.left.refused : "").toBeUndefined();
        // A row the database itself refuses, here a call of no run, would be refused again if retried
        const orphan = yield* Effect.either(store.callEnded(memberCall("orphan", 1, 1)));
        expect(orphan._tag === "Left" ? orphan.left.refused : undefined).toBe(true);
        yield* Effect.all(
          ids.map((id) => store.runEnded(runEnded(id, "completed"))),
          { concurrency: "unbounded" }
        );
        for (const id of ids) {
          const run = yield* store.getRun(id);
          expect(run.status).toBe("completed");
          expect(run.calls.map((call) => call.role)).toEqual(["member", "arbiter"]);
        }
      }).pipe(Effect.provide(Store.layer(location)));
    })
  );

  it.effect("links an included consortium's run to the outer run and its member call; keeps each call's layer", () =>
    Effect.gen(function* () {
      const location = yield* fresh;
      yield* Effect.gen(function* () {
        const store = yield* Store;
        yield* store.runStarted(runStarted("outer"));
        const link = { runId: "outer", iteration: 1, member: "consortium/panel", instance: 1 };
        yield* store.runStarted(runStarted("inner", { nestedIn: link }));
        yield* store.callEnded(memberCall("inner", 1, 1, { layer: 2 }));
        yield* store.runEnded(runEnded("inner", "completed"));
        yield* store.callEnded(
          memberCall("outer", 1, 1, { provider: "consortium", model: "panel", innerRunId: "inner" })
        );
        yield* store.runEnded(runEnded("outer", "completed"));
        const outer = yield* store.getRun("outer");
        const inner = yield* store.getRun("inner");
        expect(outer.outerRunId).toBeNull();
        expect(inner.outerRunId).toBe("outer");
        expect(outer.calls.map((call) => [call.model, call.innerRunId, call.layer])).toEqual([
          ["panel", "inner", null]
        ]);
        expect(inner.calls.map((call) => [call.innerRunId, call.layer])).toEqual([[null, 2]]);
      }).pipe(Effect.provide(Store.layer(location)));
    })
  );

  it.effect("lists included consortia's runs with their outer run, and leaves them out of the top-level runs", () =>
    Effect.gen(function* () {
      const location = yield* fresh;
      yield* Effect.gen(function* () {
        const store = yield* Store;
        yield* store.runStarted(runStarted("outer"));
        const link = { runId: "outer", iteration: 1, member: "consortium/panel", instance: 1 };
        // the inner run starts later, so it is the newest run
        yield* store.runStarted(runStarted("inner", { nestedIn: link, startedAt: at(1000) }));
        expect((yield* store.listRuns()).map((run) => [run.id, run.outerRunId])).toEqual([
          ["inner", "outer"],
          ["outer", null]
        ]);
        expect((yield* store.listRuns({ topLevel: true, limit: 1 })).map((run) => run.id)).toEqual(["outer"]);
      }).pipe(Effect.provide(Store.layer(location)));
    })
  );

  it.effect("finds a run by id or unique prefix, in either case, and names an ambiguous prefix's candidates", () =>
    Effect.gen(function* () {
      const location = yield* fresh;
      yield* Effect.gen(function* () {
        const store = yield* Store;
        for (const id of ["0193a1b2-aaaa", "0193a1b2-aabb", "0193ffff-0000", "abc", "abcdef", "01JH3K2M7QX"]) {
          yield* store.runStarted(runStarted(id));
        }
        expect((yield* store.getRun("0193f")).id).toBe("0193ffff-0000");
        expect((yield* store.getRun("01jh3k")).id).toBe("01JH3K2M7QX");
        expect((yield* store.getRun("abc")).id).toBe("abc");
        const ambiguous = yield* Effect.flip(store.getRun("0193a1b2"));
        expect(ambiguous.message).toBe('run id prefix "0193a1b2" is ambiguous: 0193a1b2-aaaa, 0193a1b2-aabb');
        expect((yield* Effect.flip(store.getRun("0193%")))._tag).toBe("RunNotFound");
        expect((yield* Effect.flip(store.getRun("0193a1b2_")))._tag).toBe("RunNotFound");
        expect((yield* store.listRuns({ limit: 2 })).map((run) => run.id)).toEqual(["abcdef", "abc"]);
      }).pipe(Effect.provide(Store.layer(location)));
    })
  );

  it.effect("records an eval, its results linked to recorded runs only, and its outcome", () =>
    Effect.gen(function* () {
      const location = yield* fresh;
      yield* Effect.gen(function* () {
        const store = yield* Store;
        yield* store.runStarted(runStarted("linked"));
        yield* store.runEnded(runEnded("linked", "completed"));
        yield* store.recordEvalStarted({
          evalId: "e1",
          suite: "smoke",
          sourceFile: null,
          config: { targets: ["research"], caseIds: ["a", "b"], threshold: 1 },
          startedAt: "2025-01-02T10:00:00.000Z"
        });
        const result = (caseId: string, runId: string, passed: boolean) =>
          store.recordEvalResult({
            evalId: "e1",
            caseId,
            target: "research",
            runId,
            passed,
            status: "completed",
            output: "Canberra",
            assertions: [{ type: "icontains", pass: passed }],
            latencyMs: 12.4,
            inputTokens: 1,
            outputTokens: 2,
            confidence: 0.9,
            costUsd: null,
            error: null,
            recordedAt: "2025-01-02T10:00:01.000Z"
          });
        yield* result("a", "linked", true);
        yield* result("b", "NOT-RECORDED", false);
        expect((yield* store.listEvals())[0]).toMatchObject({ id: "e1", status: "running", results: 2, passed: 1 });
        yield* store.recordEvalEnded({
          evalId: "e1",
          status: "failed",
          summary: { suite: "smoke" },
          endedAt: "2025-01-02T10:01:00.000Z"
        });
        const stored = yield* store.getEval("e1");
        expect(stored).toMatchObject({
          status: "failed",
          gitDirty: null,
          config: { caseIds: ["a", "b"] },
          summary: { suite: "smoke" },
          endedAt: "2025-01-02T10:01:00.000Z"
        });
        expect(stored.results.map((row) => [row.caseId, row.runId, row.passed, row.latencyMs])).toEqual([
          ["a", "linked", true, 12],
          ["b", null, false, 12]
        ]);
        // A result recorded before its run's first row landed (it was waiting in the write backlog)
        // is linked when the eval ends.
        yield* store.recordEvalStarted({
          evalId: "e2",
          suite: "smoke",
          sourceFile: null,
          config: { targets: ["research"], caseIds: ["late"], threshold: 1 },
          startedAt: "2025-01-02T11:00:00.000Z"
        });
        yield* store.recordEvalResult({
          evalId: "e2",
          caseId: "late",
          target: "research",
          runId: "late-run",
          passed: true,
          status: "completed",
          output: "Canberra",
          assertions: [],
          latencyMs: 1,
          inputTokens: 1,
          outputTokens: 2,
          confidence: 0.9,
          costUsd: null,
          error: null,
          recordedAt: "2025-01-02T11:00:01.000Z"
        });
        yield* store.runStarted(runStarted("late-run"));
        yield* store.recordEvalEnded({
          evalId: "e2",
          status: "passed",
          summary: {},
          endedAt: "2025-01-02T11:01:00.000Z",
          runLinks: [
            { caseId: "late", target: "research", runId: "late-run" },
            { caseId: "b", target: "research", runId: "NOT-RECORDED" }
          ]
        });
        expect((yield* store.getEval("e2")).results.map((row) => row.runId)).toEqual(["late-run"]);
        expect((yield* Effect.flip(store.getEval("nope")))._tag).toBe("EvalNotFound");
      }).pipe(Effect.provide(Store.layer(location)));
    })
  );

  it.effect("joins shards into one eval, whole only when the last ends, with the status of all of them", () =>
    Effect.gen(function* () {
      const location = yield* fresh;
      const caseResult = (store: Store["Type"], caseId: string, passed: boolean) =>
        store.recordEvalResult({
          evalId: "ci-42-1",
          caseId,
          target: "research",
          runId: null,
          passed,
          status: "completed",
          output: "Canberra",
          assertions: [],
          latencyMs: 10,
          inputTokens: 1,
          outputTokens: 2,
          confidence: null,
          costUsd: null,
          error: null,
          recordedAt: "2025-01-02T10:00:01.000Z"
        });
      const shardReport = (index: number, passed: boolean) => ({
        evalId: "ci-42-1",
        suite: "smoke",
        source: null,
        threshold: 0.75,
        shard: { index, count: 4 },
        filter: null,
        targets: [{ target: "research", kind: "consortium" }],
        cases: [
          {
            id: `case-${index}`,
            prompt: "p",
            results: [
              {
                target: "research",
                pass: passed,
                output: "Canberra",
                confidence: null,
                latencyMs: 10,
                usage: { inputTokens: 1, outputTokens: 2 },
                judgeUsage: { inputTokens: 0, outputTokens: 0 },
                costUsd: null,
                runId: null,
                status: "completed",
                error: null,
                replayMisses: [],
                assertions: []
              }
            ]
          }
        ],
        replayMisses: [],
        startedAt: "2025-01-02T10:00:00.000Z",
        endedAt: `2025-01-02T10:0${index}:00.000Z`,
        durationMs: 1000
      });
      const runShard = (index: number, passed: boolean, end: boolean) =>
        Effect.gen(function* () {
          const store = yield* Store;
          yield* store.recordEvalStarted({
            evalId: "ci-42-1",
            suite: "smoke",
            sourceFile: null,
            config: {},
            startedAt: "2025-01-02T10:00:00.000Z",
            shard: { index, count: 4 }
          });
          yield* caseResult(store, `case-${index}`, passed);
          if (end) {
            // on its own this shard failed (0 of 1); the eval as a whole is judged on all four
            yield* store.recordEvalEnded({
              evalId: "ci-42-1",
              status: passed ? "passed" : "failed",
              summary: shardReport(index, passed),
              endedAt: `2025-01-02T10:0${index}:00.000Z`,
              shard: { index, count: 4 }
            });
          }
          return yield* store.getEval("ci-42-1");
        }).pipe(Effect.provide(Store.layer(location, { isAlive: () => true })));

      const first = yield* runShard(1, true, true);
      expect(first).toMatchObject({ status: "running", missingShards: [2, 3, 4] });
      yield* runShard(2, false, true);
      const third = yield* runShard(3, true, false);
      expect(third.missingShards).toEqual([4]);
      expect(third.shards.map((shard) => [shard.index, shard.status])).toEqual([
        [1, "passed"],
        [2, "failed"],
        [3, "running"]
      ]);
      yield* runShard(4, true, true);
      const stillRunning = yield* runShard(3, true, true);
      expect(stillRunning.status).toBe("passed");
      expect(stillRunning.missingShards).toEqual([]);
      expect(stillRunning.endedAt).toBe("2025-01-02T10:04:00.000Z");
      expect(stillRunning.results.map((result) => result.caseId)).toEqual([
        "case-1",
        "case-2",
        "case-3",
        "case-3",
        "case-4"
      ]);
      expect(stillRunning.summary).toMatchObject({
        evalId: "ci-42-1",
        shard: null,
        targets: [{ target: "research", total: 4, passed: 3, meetsThreshold: true }]
      });
      expect(
        (yield* Effect.provide(
          Effect.flatMap(Store, (store) => store.listEvals()),
          Store.layer(location)
        ))[0]
      ).toMatchObject({ id: "ci-42-1", status: "passed" });
    })
  );

  it.effect("refuses a shard of another suite, of another split, or of an eval that has ended, writing nothing", () =>
    Effect.gen(function* () {
      const location = yield* fresh;
      yield* Effect.gen(function* () {
        const store = yield* Store;
        const start = (suite: string, targets: ReadonlyArray<string>, shard: { index: number; count: number }) =>
          Effect.either(
            store.recordEvalStarted({
              evalId: "ci-1",
              suite,
              sourceFile: null,
              config: { targets, caseIds: ["c1"], threshold: 1 },
              startedAt: "2025-01-02T10:00:00.000Z",
              shard
            })
          );
        const refusal = (outcome: Either.Either<void, { readonly message: string; readonly _tag: string }>) =>
          outcome._tag === "Left" ? `${outcome.left._tag}: ${outcome.left.message}` : "joined";
        expect(refusal(yield* start("smoke", ["a"], { index: 1, count: 2 }))).toBe("joined");
        expect(refusal(yield* start("other", ["a"], { index: 2, count: 2 }))).toBe(
          'EvalJoinRefused: eval ci-1 is of suite "smoke", not "other": give each suite its own --eval-id'
        );
        expect(refusal(yield* start("smoke", ["a", "b"], { index: 2, count: 2 }))).toMatch(
          /^EvalJoinRefused: eval ci-1 has targets a, not a, b: a shard of another suite cannot join it/
        );
        expect(refusal(yield* start("smoke", ["a"], { index: 2, count: 3 }))).toMatch(
          /^EvalJoinRefused: eval ci-1 is split into 2 shards, not 3/
        );
        // the same shard again while the eval runs (a retried CI job) starts over
        expect(refusal(yield* start("smoke", ["a"], { index: 1, count: 2 }))).toBe("joined");
        for (const index of [1, 2]) {
          if (index === 2) expect(refusal(yield* start("smoke", ["a"], { index, count: 2 }))).toBe("joined");
          yield* store.recordEvalEnded({
            evalId: "ci-1",
            status: "passed",
            summary: null,
            endedAt: "2025-01-02T10:01:00.000Z",
            shard: { index, count: 2 }
          });
        }
        const ended = yield* store.getEval("ci-1");
        expect(ended.status).not.toBe("running");
        expect(refusal(yield* start("smoke", ["a"], { index: 1, count: 2 }))).toBe(
          `EvalJoinRefused: eval ci-1 has ended (${ended.status}): a shard cannot be added to it or run again; use a new --eval-id`
        );
        const after = yield* store.getEval("ci-1");
        expect(after.status).toBe(ended.status);
        expect(after.shards.map((shard) => shard.status)).toEqual(["passed", "passed"]);
      }).pipe(Effect.provide(Store.layer(location, { isAlive: () => true })));
    })
  );

  it.effect("ends an eval no other shard can join with its own shard, as an error, not running for ever", () =>
    Effect.gen(function* () {
      const location = yield* fresh;
      const stored = yield* Effect.gen(function* () {
        const store = yield* Store;
        yield* store.recordEvalStarted({
          evalId: "made-up-here",
          suite: "smoke",
          sourceFile: null,
          config: { targets: ["a"], caseIds: ["c1"], threshold: 1, joinable: false },
          startedAt: "2025-01-02T10:00:00.000Z",
          shard: { index: 1, count: 2 }
        });
        yield* store.recordEvalEnded({
          evalId: "made-up-here",
          status: "passed",
          summary: { suite: "smoke", cases: [] },
          endedAt: "2025-01-02T10:01:00.000Z",
          shard: { index: 1, count: 2 }
        });
        return yield* store.getEval("made-up-here");
      }).pipe(Effect.provide(Store.layer(location, { isAlive: () => true })));
      expect(stored).toMatchObject({
        status: "error",
        endedAt: "2025-01-02T10:01:00.000Z",
        missingShards: [2],
        summary: { suite: "smoke" }
      });

      // its process killed instead: the sweep that marks the shard interrupted ends the eval too
      yield* Effect.gen(function* () {
        const store = yield* Store;
        yield* store.recordEvalStarted({
          evalId: "killed-alone",
          suite: "smoke",
          sourceFile: null,
          config: { targets: ["a"], caseIds: ["c1"], threshold: 1, joinable: false },
          startedAt: "2025-01-02T10:00:00.000Z",
          shard: { index: 2, count: 3 }
        });
      }).pipe(
        Effect.provide(Store.layer(location, { writer: { pid: 4_000_003, hostname: here }, isAlive: () => true }))
      );
      const swept = yield* Effect.flatMap(Store, (store) => store.getEval("killed-alone")).pipe(
        Effect.provide(Store.layer(location, { isAlive: (pid) => pid !== 4_000_003 }))
      );
      expect(swept).toMatchObject({ status: "interrupted", missingShards: [1, 3] });
      expect(swept.endedAt).not.toBeNull();
    })
  );

  it.effect("marks a dead writer's run interrupted on open, with totals from its calls, and leaves a live one", () =>
    Effect.gen(function* () {
      const location = yield* fresh;
      const leaveRunning = (runId: string, pid: number) =>
        Effect.gen(function* () {
          const store = yield* Store;
          yield* store.runStarted(runStarted(runId));
          yield* store.callEnded(memberCall(runId, 1, 1));
          yield* store.callEnded(memberCall(runId, 1, 2));
        }).pipe(Effect.provide(Store.layer(location, { writer: { pid, hostname: here }, isAlive: () => true })));
      yield* leaveRunning("dead", 4_000_001);
      yield* leaveRunning("live", 4_000_002);
      yield* TestClock.setTime(Date.parse("2025-01-02T10:01:00.000Z"));
      const [dead, live] = yield* Effect.gen(function* () {
        const store = yield* Store;
        return [yield* store.getRun("dead"), yield* store.getRun("live")] as const;
      }).pipe(Effect.provide(Store.layer(location, { isAlive: (pid) => pid !== 4_000_001 })));
      expect(dead).toMatchObject({
        status: "interrupted",
        endedAt: "2025-01-02T10:01:00.000Z",
        durationMs: 60_000,
        inputTokens: 43,
        iterations: 1
      });
      expect(live.status).toBe("running");
    })
  );

  it.effect("keeps a canary key out of every table", () =>
    Effect.gen(function* () {
      const location = yield* fresh;
      const env = { OPENAI_API_KEY: CANARY, VLLM_AUTH: `${CANARY}-custom` };
      const withCustom = config({
        providers: {
          ...config().providers,
          vllm: { name: "vllm", type: "openai", baseUrl: undefined, apiKeyEnv: "VLLM_AUTH", concurrency: undefined }
        }
      });
      yield* Effect.gen(function* () {
        const store = yield* Store;
        yield* store.runStarted(runStarted("leaky", { config: withCustom, prompt: `my key is ${CANARY}` }));
        yield* store.callEnded(
          memberCall("leaky", 1, 1, { text: null, error: { type: "AuthFailed", message: `401 bad key ${CANARY}` } })
        );
        yield* store.callEnded(memberCall("leaky", 1, 2, { text: `echo ${CANARY}-custom` }));
        yield* store.runEnded(runEnded("leaky", "failed", { error: `arbiter failed: ${CANARY}` }));
        const leaky = yield* store.getRun("leaky");
        expect(leaky.calls[0]?.error?.message).toBe("401 bad key [REDACTED]");
        // An eval's stored results and summary hold model output and errors too.
        yield* store.recordEvalStarted({
          evalId: "leaky-eval",
          suite: "smoke",
          sourceFile: null,
          config: { targets: ["research"], caseIds: ["a"], threshold: 1 },
          startedAt: "2025-01-02T10:00:00.000Z"
        });
        const result = { target: "research", runId: "leaky", status: "failed" as const, latencyMs: 1 };
        yield* store.recordEvalResult({
          ...result,
          evalId: "leaky-eval",
          caseId: "a",
          passed: false,
          output: `the key is ${CANARY}`,
          assertions: [{ type: "icontains", pass: false, detail: `saw ${CANARY}` }],
          inputTokens: 1,
          outputTokens: 2,
          confidence: null,
          costUsd: null,
          error: `401 bad key ${CANARY}-custom`,
          recordedAt: "2025-01-02T10:00:01.000Z"
        });
        yield* store.recordEvalEnded({
          evalId: "leaky-eval",
          status: "failed",
          summary: { suite: "smoke", cases: [{ output: `echo ${CANARY}` }] },
          endedAt: "2025-01-02T10:01:00.000Z"
        });
        const stored = yield* store.getEval("leaky-eval");
        expect(stored.results[0]).toMatchObject({ output: "the key is [REDACTED]", error: "401 bad key [REDACTED]" });
      }).pipe(Effect.provide(Store.layer(location, { env })));
      const dump = yield* everything(location);
      expect(dump).toContain("[REDACTED]");
      expect(dump).not.toContain(CANARY);
    })
  );

  it.effect("stores model output with a NUL character in it rather than losing the row", () =>
    Effect.gen(function* () {
      const location = yield* fresh;
      const run = yield* Effect.gen(function* () {
        const store = yield* Store;
        yield* store.runStarted(runStarted("nul"));
        yield* store.callEnded(memberCall("nul", 1, 1, { text: "before\u0000after", parsed: { note: "x\u0000y" } }));
        return yield* store.getRun("nul");
      }).pipe(Effect.provide(Store.layer(location)));
      // PostgreSQL refuses NUL in text and jsonb: it becomes U+FFFD there
      const nul = backend.name === "postgres" ? "\uFFFD" : "\u0000";
      expect(run.calls[0]?.text).toBe(`before${nul}after`);
      expect(run.calls[0]?.parsed).toEqual({ note: `x${nul}y` });
    })
  );

  it.effect("stores model output with an unpaired surrogate in it, and the run still ends as it did", () =>
    Effect.gen(function* () {
      const location = yield* fresh;
      const lone = "only lone \ud800 here, then \udc00 alone";
      const run = yield* Effect.gen(function* () {
        const store = yield* Store;
        yield* store.runStarted(runStarted("lone"));
        yield* store.callEnded(
          memberCall("lone", 1, 1, { text: lone, parsed: { note: lone, [`key \udbff`]: "\ud83d\ude00 paired" } })
        );
        yield* store.runEnded(runEnded("lone", "completed"));
        return yield* store.getRun("lone");
      }).pipe(Effect.provide(Store.layer(location)));
      expect(run.status).toBe("completed");
      expect(run.calls).toHaveLength(1);
      // Text that is not well-formed UTF-16 has no UTF-8 form. PostgreSQL's jsonb refuses it even
      // escaped, so there each lone half becomes U+FFFD; a surrogate pair (an emoji) is kept.
      if (backend.name === "postgres") {
        const fixed = "only lone \uFFFD here, then \uFFFD alone";
        expect(run.calls[0]?.text).toBe(fixed);
        expect(run.calls[0]?.parsed).toEqual({ note: fixed, "key \uFFFD": "\ud83d\ude00 paired" });
      } else {
        expect(run.calls[0]?.text).toMatch(/^only lone \uFFFD+ here, then \uFFFD+ alone$/);
      }
    })
  );

  it.effect("migrates an empty database, and one at the previous version keeping its rows", () =>
    Effect.gen(function* () {
      const empty = yield* fresh;
      yield* Effect.scoped(Layer.build(Store.layer(empty)));
      const names = yield* Effect.scoped(
        Effect.flatMap(openDatabase(empty), (opened) =>
          Effect.promise(() =>
            opened.lock.executed(opened.db).then((executed) => [executed, Object.keys(opened.migrations)])
          )
        )
      );
      expect(names[0]).toEqual(names[1]);

      const previous = yield* fresh;
      yield* Effect.scoped(
        Effect.gen(function* () {
          const probe = yield* openDatabase(previous, {});
          const all = Object.entries(probe.migrations);
          // as the version before configs were stored once left it (its rows are written that way)
          const older = Object.fromEntries(all.filter(([name]) => name <= "0010_prompt_search"));
          yield* Effect.promise(() => probe.db.destroy());
          const opened = yield* openDatabase(previous, older);
          yield* Effect.promise(async () => {
            await sql`insert into runs (id, consortium, status, prompt, config_json, config_hash, started_at, pid, hostname)
              values ('old-run', 'research', 'completed', 'old prompt', '{}', 'abc', '2024-12-31T00:00:00.000Z', 1, 'elsewhere')`.execute(
              opened.db
            );
            await sql`insert into calls (run_id, iteration, role, provider, model, instance, request_json, input_tokens, output_tokens, latency_ms, attempts, started_at, ended_at)
              values ('old-run', 1, 'member', 'openai', 'gpt-4.1-mini', 1, '{}', 1, 2, 3, 1, '2024-12-31T00:00:00.000Z', '2024-12-31T00:00:01.000Z')`.execute(
              opened.db
            );
          });
        })
      );
      const old = yield* Effect.gen(function* () {
        const store = yield* Store;
        yield* store.runStarted(runStarted("new-run"));
        yield* store.callEnded(memberCall("new-run", 1, 1, { role: "reviewer" }));
        return yield* store.getRun("old-run");
      }).pipe(Effect.provide(Store.layer(previous)));
      expect(old).toMatchObject({ id: "old-run", prompt: "old prompt", conversationId: "old-run" });
      expect(old.calls).toHaveLength(1);
    })
  );
});

describe.each(backends.filter((backend) => backend.name === "postgres"))("$name: connecting", (backend) => {
  it.effect("a wrong password is one line naming the server, without the password", () =>
    Effect.gen(function* () {
      const url = new URL(yield* Effect.promise(() => backend.fresh()));
      url.password = "not-the-password";
      const error = yield* Effect.flip(Effect.scoped(Layer.build(Store.layer(url.toString()))));
      expect(error._tag).toBe("StoreError");
      expect(error.message).toMatch(
        /^cannot open the database at postgres:\/\/consortium@127\.0\.0\.1:\d+\/postgres.*: password authentication failed for user "consortium"$/
      );
      expect(error.message).not.toContain("not-the-password");
      expect(error.message).not.toContain("\n");
    })
  );

  it.effect("several pools opening a new database at once: one migrates under the advisory lock, the others wait", () =>
    Effect.gen(function* () {
      const location = yield* Effect.promise(() => backend.fresh());
      const ids = yield* Effect.all(
        [1, 2, 3, 4].map((writer) =>
          Effect.gen(function* () {
            const store = yield* Store;
            yield* store.runStarted(runStarted(`w${writer}`));
            return (yield* store.getRun(`w${writer}`)).id;
          }).pipe(Effect.provide(Store.layer(location)))
        ),
        { concurrency: "unbounded" }
      );
      expect(ids).toEqual(["w1", "w2", "w3", "w4"]);
    })
  );

  it.effect("an unreachable server is one line", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(
        Effect.scoped(Layer.build(Store.layer("postgres://someone:secret@127.0.0.1:1/db")))
      );
      expect(error.message).toBe(
        "cannot open the database at postgres://someone@127.0.0.1:1/db: connect ECONNREFUSED 127.0.0.1:1"
      );
    })
  );
});
