import type { RunResult } from "@consortium/engine";
import { type EvalReport, mergeReports } from "@consortium/eval/records";
import { Store } from "@consortium/store";
import { afterAll, describe, expect, it } from "@effect/vitest";
import { Effect, Either } from "effect";
import { sql } from "kysely";
import { openDatabase } from "../src/openDatabase.js";
import { backends, cleanupBackends } from "./backends.js";
import { at, callsOfRun, config, result, runStarted } from "./fixtures.js";

// What a run's calls hold is stored once: configs by the hash of their text, results referring to
// their call rows. Reading must give back exactly what was written, on every backend, for runs
// written now and for runs a previous version wrote (converted by the migration).

afterAll(cleanupBackends);

const ANSWER_TAIL = "It opened in 1927.";
/** The fixtures' arbiter call's text. */
const ARBITER_RAW = "<synthesis>Canberra is the capital of Australia.</synthesis><confidence>0.9</confidence>";

/** A result as the engine builds it from `callsOfRun`: labels, an arbiter that failed once, a fallback. */
const fullResult = (runId: string): RunResult => {
  const base = result(runId, "completed");
  return {
    ...base,
    iterations: base.iterations.map((round) => ({
      ...round,
      responses: round.responses.map((response, index) => ({ ...response, label: `Response ${index + 1}` })),
      arbiter: {
        model: "anthropic/claude-sonnet-4-5",
        raw: ARBITER_RAW,
        usage: { inputTokens: 300, outputTokens: 90, costUsd: null },
        latencyMs: 3400,
        attempts: 1,
        error: null
      },
      arbiterFailures: []
    })) as RunResult["iterations"],
    seed: 7,
    unfinished: null
  };
};

/** Every table's rows of one kind, read through the backend as text. */
const tableRows = (location: string, query: string) =>
  Effect.scoped(
    Effect.flatMap(openDatabase(location), (backend) =>
      Effect.promise(async () => (await sql.raw<Record<string, unknown>>(query).execute(backend.db)).rows)
    )
  );

describe.each(backends)("factored rows on $name", (backend) => {
  const fresh = Effect.promise(() => backend.fresh());
  const exactOrder = backend.name === "sqlite";

  it.effect("a run reads back as it ended, while its result stores no answer its calls hold", () =>
    Effect.gen(function* () {
      const location = yield* fresh;
      const ended = fullResult("run-f");
      const run = yield* Effect.gen(function* () {
        const store = yield* Store;
        yield* store.runStarted(runStarted("run-f"));
        for (const call of callsOfRun("run-f")) yield* store.callEnded(call);
        yield* store.runEnded({ runId: "run-f", status: "completed", result: ended });
        return yield* store.getRun("run-f");
      }).pipe(Effect.provide(Store.layer(location)));
      expect(run.result).toEqual(ended);
      if (exactOrder) expect(JSON.stringify(run.result)).toBe(JSON.stringify(ended));
      const [stored] = yield* tableRows(location, "select result_json from runs");
      const text = String(stored?.result_json);
      expect(text).not.toContain(ANSWER_TAIL);
      expect(text).not.toContain("<confidence>0.9</confidence>");
      expect(text).toContain("Response 2");
      expect(text.length).toBeLessThan(JSON.stringify(ended).length / 2);
    })
  );

  it.effect("keeps whole what its calls do not give back exactly: a redacted answer, a call never recorded", () =>
    Effect.gen(function* () {
      const location = yield* fresh;
      const secret = "sk-factored-canary-0123456789";
      const ended = fullResult("run-s");
      const leaked = {
        ...ended,
        iterations: ended.iterations.map((round) => ({
          ...round,
          responses: round.responses.map((response) =>
            response.instance === 1 ? { ...response, text: `${response.text} ${secret}` } : response
          )
        }))
      } as RunResult;
      const run = yield* Effect.gen(function* () {
        const store = yield* Store;
        yield* store.runStarted(runStarted("run-s"));
        for (const call of callsOfRun("run-s")) {
          // iteration 2's second member never reached the store
          if (call.iteration === 2 && call.role === "member" && call.instance === 2) continue;
          yield* store.callEnded(
            call.role === "member" && call.instance === 1 ? { ...call, text: `${call.text} ${secret}` } : call
          );
        }
        yield* store.runEnded({ runId: "run-s", status: "completed", result: leaked });
        return yield* store.getRun("run-s");
      }).pipe(Effect.provide(Store.layer(location, { env: { CANARY_API_KEY: secret } })));
      const redacted = JSON.parse(JSON.stringify(leaked).split(secret).join("[REDACTED]")) as RunResult;
      expect(run.result).toEqual(redacted);
      const [stored] = yield* tableRows(location, "select result_json from runs");
      expect(String(stored?.result_json)).not.toContain(secret);
      // the answer of the call that was never stored stays in the result
      expect(run.result?.iterations[1]?.responses[1]?.text).toContain(ANSWER_TAIL);
    })
  );

  it.effect("stores a config once for every run of it", () =>
    Effect.gen(function* () {
      const location = yield* fresh;
      const runs = yield* Effect.gen(function* () {
        const store = yield* Store;
        yield* store.runStarted(runStarted("same-1"));
        yield* store.runStarted(runStarted("same-2", { config: config() }));
        yield* store.runStarted(runStarted("other", { config: config({ name: "other" }) }));
        return yield* Effect.forEach(["same-1", "same-2", "other"], (id) => store.getRun(id));
      }).pipe(Effect.provide(Store.layer(location)));
      expect(yield* tableRows(location, "select key from configs")).toHaveLength(2);
      const keys = yield* tableRows(location, "select config_key from runs order by id");
      expect(new Set(keys.map((row) => row.config_key)).size).toBe(2);
      expect(runs[0]?.config).toEqual(JSON.parse(JSON.stringify(config())));
      expect(runs[1]?.config).toEqual(runs[0]?.config);
      expect(runs[2]?.config).toMatchObject({ name: "other" });
    })
  );

  it.effect("keeps the report of an eval run whole once, on the eval", () =>
    Effect.gen(function* () {
      const location = yield* fresh;
      const report = { suite: "smoke", cases: [{ id: "capital", results: [] }], note: "the whole report" };
      const stored = yield* Effect.gen(function* () {
        const store = yield* Store;
        yield* store.recordEvalStarted({
          evalId: "whole",
          suite: "smoke",
          sourceFile: null,
          config: {},
          startedAt: result("r", "completed").startedAt
        });
        yield* store.recordEvalEnded({
          evalId: "whole",
          status: "passed",
          summary: report,
          endedAt: result("r", "completed").endedAt
        });
        return yield* store.getEval("whole");
      }).pipe(Effect.provide(Store.layer(location)));
      expect(stored).toMatchObject({ status: "passed", summary: report });
      expect(yield* tableRows(location, "select summary_json from eval_shards")).toEqual([{ summary_json: null }]);
    })
  );

  it.effect("an eval's report reads back as it ended, while it stores no case result its rows hold", () =>
    Effect.gen(function* () {
      const location = yield* fresh;
      const OUTPUT = "Canberra has been the capital of Australia since 1913.";
      const caseResult = (target: string, runId: string | null) => ({
        target,
        pass: true,
        output: OUTPUT,
        confidence: 0.9,
        latencyMs: 321,
        usage: { inputTokens: 530, outputTokens: 137 },
        judgeUsage: { inputTokens: 0, outputTokens: 0 },
        costUsd: null,
        runId,
        status: "completed",
        error: null,
        replayMisses: [],
        assertions: [{ type: "icontains", pass: true, reason: 'output contains "canberra" (ignoring case)' }]
      });
      const report = {
        evalId: "reported",
        suite: "smoke",
        targets: [{ target: "research", total: 2, passed: 2 }],
        cases: [
          { id: "one", prompt: "Capital?", results: [caseResult("research", "run-1"), caseResult("openai/m", null)] },
          // a result whose row says otherwise (its output was rewritten since) stays whole
          { id: "two", prompt: "Capital again?", results: [{ ...caseResult("research", null), output: "Sydney" }] }
        ]
      };
      const stored = yield* Effect.gen(function* () {
        const store = yield* Store;
        yield* store.recordEvalStarted({
          evalId: "reported",
          suite: "smoke",
          sourceFile: null,
          config: {},
          startedAt: at(0)
        });
        for (const suiteCase of report.cases) {
          for (const result of suiteCase.results) {
            yield* store.recordEvalResult({
              evalId: "reported",
              caseId: suiteCase.id,
              target: result.target,
              runId: result.runId,
              passed: result.pass,
              status: result.status,
              output: OUTPUT,
              assertions: result.assertions,
              latencyMs: result.latencyMs,
              inputTokens: result.usage.inputTokens,
              outputTokens: result.usage.outputTokens,
              confidence: result.confidence,
              costUsd: result.costUsd,
              error: result.error,
              recordedAt: at(5)
            });
          }
        }
        yield* store.recordEvalEnded({ evalId: "reported", status: "passed", summary: report, endedAt: at(9) });
        return yield* store.getEval("reported");
      }).pipe(Effect.provide(Store.layer(location)));
      expect(stored.summary).toEqual(report);
      if (exactOrder) expect(JSON.stringify(stored.summary)).toBe(JSON.stringify(report));
      const [row] = yield* tableRows(location, "select summary_json from evals");
      const text = String(row?.summary_json);
      expect(text.split(OUTPUT)).toHaveLength(1);
      expect(text).toContain("Sydney");
    })
  );

  it.effect("converts runs a previous version wrote, and shows them exactly as it did", () =>
    Effect.gen(function* () {
      const location = yield* fresh;
      const ids = ["old-1", "old-2"] as const;
      const configJson = JSON.stringify(config());
      // As the previous version left it: every run with its config, results repeating the calls.
      const before = yield* Effect.scoped(
        Effect.gen(function* () {
          const probe = yield* openDatabase(location, {});
          const previous = Object.fromEntries(
            Object.entries(probe.migrations).filter(([name]) => name <= "0010_prompt_search")
          );
          yield* Effect.promise(() => probe.db.destroy());
          const opened = yield* openDatabase(location, previous);
          return yield* Effect.promise(async () => {
            for (const id of ids) {
              const ended = fullResult(id);
              await sql`insert into runs (id, consortium, status, prompt, config_json, config_hash, started_at, ended_at,
                  result_json, synthesis, iterations, pid, hostname, conversation_id)
                values (${id}, 'research', 'completed', ${ended.prompt}, ${configJson}, 'abc', ${ended.startedAt},
                  ${ended.endedAt}, ${JSON.stringify(ended)}, 'Canberra', 2, 1, 'elsewhere', ${id})`.execute(opened.db);
              for (const call of callsOfRun(id)) {
                const text = call.role === "arbiter" ? ARBITER_RAW : call.text;
                await sql`insert into calls (run_id, iteration, role, provider, model, instance, request_json, answer,
                    parsed_json, input_tokens, output_tokens, cost_usd, latency_ms, attempts, error_json, started_at, ended_at)
                  values (${id}, ${call.iteration}, ${call.role}, ${call.provider}, ${call.model}, ${call.instance},
                    ${JSON.stringify(call.request)}, ${text}, ${call.parsed === null ? null : JSON.stringify(call.parsed)},
                    ${call.usage.inputTokens}, ${call.usage.outputTokens}, ${call.usage.costUsd}, ${call.latencyMs},
                    ${call.attempts}, ${null}, ${call.startedAt}, ${call.endedAt})`.execute(opened.db);
              }
            }
            const report = JSON.stringify({ suite: "smoke", note: "the whole report" });
            await sql`insert into evals (id, suite, config_json, status, started_at, ended_at, summary_json, pid, hostname)
              values ('old-eval', 'smoke', '{}', 'passed', ${at(0)}, ${at(9)}, ${report}, 1, 'elsewhere')`.execute(
              opened.db
            );
            await sql`insert into eval_shards (eval_id, shard_index, shard_count, status, pid, hostname, started_at, ended_at,
                summary_json)
              values ('old-eval', 1, 1, 'passed', 1, 'elsewhere', ${at(0)}, ${at(9)}, ${report})`.execute(opened.db);
            // what the previous version's `show` parsed: the columns as this backend gives them back
            const rows = await sql<{ result_json: string; config_json: string }>`select result_json, config_json
              from runs order by id`.execute(opened.db);
            return rows.rows.map((row) => ({
              result: JSON.parse(row.result_json),
              config: JSON.parse(row.config_json)
            }));
          });
        })
      );
      const [after, oldEval] = yield* Effect.gen(function* () {
        const store = yield* Store;
        return [yield* Effect.forEach(ids, (id) => store.getRun(id)), yield* store.getEval("old-eval")] as const;
      }).pipe(Effect.provide(Store.layer(location)));
      expect(oldEval.summary).toEqual({ suite: "smoke", note: "the whole report" });
      expect(yield* tableRows(location, "select summary_json from eval_shards")).toEqual([{ summary_json: null }]);
      for (const [index, run] of after.entries()) {
        expect(run.result).toEqual(before[index]?.result);
        expect(run.config).toEqual(before[index]?.config);
        if (exactOrder) expect(JSON.stringify(run.result)).toBe(JSON.stringify(before[index]?.result));
        expect(run.calls).toHaveLength(6);
      }
      expect(yield* tableRows(location, "select key from configs")).toHaveLength(1);
      const stored = yield* tableRows(location, "select result_json from runs");
      for (const row of stored) expect(String(row.result_json)).not.toContain(ANSWER_TAIL);
    })
  );

  it.effect("converts eval reports a previous version wrote whole, and shows them exactly as it did", () =>
    Effect.gen(function* () {
      const location = yield* fresh;
      const OUTPUT = "Canberra became the capital of Australia in 1913.";
      const assertions = [{ type: "icontains", pass: true, reason: 'output contains "canberra" (ignoring case)' }];
      const caseResult = {
        target: "openai/m",
        pass: true,
        output: OUTPUT,
        confidence: null,
        latencyMs: 321,
        usage: { inputTokens: 530, outputTokens: 137 },
        judgeUsage: { inputTokens: 0, outputTokens: 0 },
        costUsd: null,
        runId: null,
        status: "completed",
        error: null,
        replayMisses: [],
        assertions
      };
      const report = {
        evalId: "old-report",
        suite: "smoke",
        cases: [{ id: "one", prompt: "Capital?", results: [caseResult] }]
      };
      // As the previous version left it: the report whole on the eval, its case result in its own row.
      yield* Effect.scoped(
        Effect.gen(function* () {
          const probe = yield* openDatabase(location, {});
          const previous = Object.fromEntries(
            Object.entries(probe.migrations).filter(([name]) => name <= "0013_one_shard_report_once")
          );
          yield* Effect.promise(() => probe.db.destroy());
          const opened = yield* openDatabase(location, previous);
          yield* Effect.promise(async () => {
            await sql`insert into evals (id, suite, config_json, status, started_at, ended_at, summary_json, pid, hostname)
              values ('old-report', 'smoke', '{}', 'passed', ${at(0)}, ${at(9)}, ${JSON.stringify(report)}, 1,
                'elsewhere')`.execute(opened.db);
            await sql`insert into eval_shards (eval_id, shard_index, shard_count, status, pid, hostname, started_at,
                ended_at) values ('old-report', 1, 1, 'passed', 1, 'elsewhere', ${at(0)}, ${at(9)})`.execute(opened.db);
            await sql`insert into eval_results (eval_id, case_id, target, passed, status, output, assertions_json,
                latency_ms, input_tokens, output_tokens, recorded_at)
              values ('old-report', 'one', 'openai/m', ${exactOrder ? 1 : true}, 'completed', ${OUTPUT},
                ${JSON.stringify(assertions)}, 321, 530, 137, ${at(5)})`.execute(opened.db);
          });
        })
      );
      const shown = yield* Effect.flatMap(Store, (store) => store.getEval("old-report")).pipe(
        Effect.provide(Store.layer(location))
      );
      expect(shown.summary).toEqual(report);
      if (exactOrder) expect(JSON.stringify(shown.summary)).toBe(JSON.stringify(report));
      const [row] = yield* tableRows(location, "select summary_json from evals");
      expect(String(row?.summary_json).split(OUTPUT)).toHaveLength(1);
    })
  );

  it.effect(
    "an eval run as shards: its merged report reads back whole, while it stores no case result its rows hold",
    () =>
      Effect.gen(function* () {
        const location = yield* fresh;
        const OUTPUT = "Canberra, since 1913.";
        const shardReport = (index: number) => ({
          evalId: "sharded",
          suite: "smoke",
          source: null,
          threshold: 1,
          shard: { index, count: 2 },
          filter: null,
          targets: [{ target: "research", kind: "consortium" }],
          cases: [
            {
              id: `case-${index}`,
              prompt: "Capital?",
              results: [
                {
                  target: "research",
                  pass: true,
                  output: OUTPUT,
                  confidence: 0.9,
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
          startedAt: at(0),
          endedAt: at(index),
          durationMs: 1000
        });
        const runShard = (index: number) =>
          Effect.gen(function* () {
            const store = yield* Store;
            const shard = { index, count: 2 };
            yield* store.recordEvalStarted({
              evalId: "sharded",
              suite: "smoke",
              sourceFile: null,
              config: {},
              startedAt: at(0),
              shard
            });
            yield* store.recordEvalResult({
              evalId: "sharded",
              caseId: `case-${index}`,
              target: "research",
              runId: null,
              passed: true,
              status: "completed",
              output: OUTPUT,
              assertions: [],
              latencyMs: 10,
              inputTokens: 1,
              outputTokens: 2,
              confidence: 0.9,
              costUsd: null,
              error: null,
              recordedAt: at(index)
            });
            yield* store.recordEvalEnded({
              evalId: "sharded",
              status: "passed",
              summary: shardReport(index),
              endedAt: at(index),
              shard
            });
            return yield* store.getEval("sharded");
          }).pipe(Effect.provide(Store.layer(location, { isAlive: () => true })));
        yield* runShard(1);
        const ended = yield* runShard(2);
        const merged = mergeReports([
          { name: "shard 1/2", report: shardReport(1) as unknown as EvalReport },
          { name: "shard 2/2", report: shardReport(2) as unknown as EvalReport }
        ]);
        expect(Either.isRight(merged)).toBe(true);
        const expected = JSON.parse(JSON.stringify(Either.getOrThrow(merged)));
        expect(ended.summary).toEqual(expected);
        if (exactOrder) expect(JSON.stringify(ended.summary)).toBe(JSON.stringify(expected));
        // The shards' reports come back from PostgreSQL's jsonb with their keys reordered, so no result
        // rebuilt from its row is the same text there: the merged report stays whole, correct, only larger.
        const [row] = yield* tableRows(location, "select summary_json from evals");
        if (exactOrder) expect(String(row?.summary_json).split(OUTPUT)).toHaveLength(1);
      })
  );
});
