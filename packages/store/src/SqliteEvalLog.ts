import type { RunLog } from "@consortium/engine";
import { type EvalEnded, EvalLog } from "@consortium/eval";
import { Effect, Layer } from "effect";
import type { StoredEvalStatus } from "./Database.js";
import type { StoreError } from "./errors.js";
import { SqliteRunLog } from "./SqliteRunLog.js";
import { Store, type StoreOptions } from "./Store.js";
import { makeWriteBacklog } from "./WriteBacklog.js";

// eval's EvalLog, written to the Store's `evals` and `eval_results` tables. Like the RunLog it never
// fails the eval (see WriteBacklog).

/** The eval's exit code says how it ended: 0 passed, 1 missed its threshold, 2 could not be trusted. */
export const evalStatusOf = (exitCode: number): Exclude<StoredEvalStatus, "running"> =>
  exitCode === 0 ? "passed" : exitCode === 1 ? "failed" : exitCode === 130 ? "interrupted" : "error";

const make = Effect.gen(function* () {
  const store = yield* Store;
  const backlog = yield* makeWriteBacklog("eval", store.path);
  return EvalLog.of({
    evalStarted: (event) =>
      backlog.submit(event.evalId, {
        what: "eval start",
        write: store.recordEvalStarted({
          evalId: event.evalId,
          suite: event.suite,
          sourceFile: event.source,
          config: { targets: event.targets, caseIds: event.caseIds, threshold: event.threshold },
          startedAt: event.startedAt
        })
      }),
    caseResult: ({ evalId, caseId, result, endedAt }) =>
      backlog.submit(evalId, {
        what: `result of case ${caseId} for ${result.target}`,
        write: store.recordEvalResult({
          evalId,
          caseId,
          target: result.target,
          runId: result.runId,
          passed: result.pass,
          status: result.status,
          output: result.output,
          assertions: result.assertions,
          latencyMs: result.latencyMs,
          inputTokens: result.usage.inputTokens,
          outputTokens: result.usage.outputTokens,
          confidence: result.confidence,
          costUsd: result.costUsd,
          error: result.error,
          recordedAt: endedAt
        })
      }),
    evalEnded: (event: EvalEnded) =>
      backlog.finish(event.evalId, {
        what: "eval end",
        write: store.recordEvalEnded({
          evalId: event.evalId,
          status: evalStatusOf(event.exitCode),
          summary: event.report,
          endedAt: event.report.endedAt
        })
      })
  });
});

export const SqliteEvalLog = {
  /** EvalLog over an existing Store. */
  layer: Layer.effect(EvalLog, make) satisfies Layer.Layer<EvalLog, never, Store>,
  /** A Store at `path` with both logs over it, for `consortium eval` (which also runs consortia). */
  layerWithStore: (path: string, options?: StoreOptions): Layer.Layer<EvalLog | RunLog | Store, StoreError> =>
    Layer.mergeAll(Layer.effect(EvalLog, make), SqliteRunLog.layer).pipe(Layer.provideMerge(Store.layer(path, options)))
} as const;
