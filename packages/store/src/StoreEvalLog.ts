import type { RunLog } from "@consortium/engine";
import { type EvalEnded, EvalLog } from "@consortium/eval/records";
import { Effect, Layer } from "effect";
import type { StoreError } from "./errors.js";
import { Store, type StoreOptions } from "./Store.js";
import { StoreRunLog } from "./StoreRunLog.js";
import type { EvalShard } from "./types.js";
import { makeWriteBacklog } from "./WriteBacklog.js";

// eval's EvalLog, written to the Store's `evals` and `eval_results` tables. Like the RunLog it never
// fails the eval (see WriteBacklog). An eval's outcome is its stored status, word for word.

export interface EvalLogOptions {
  /** The shard of the eval this process runs (`--shard i/n`), so the eval can tell when it is whole. */
  readonly shard?: EvalShard | undefined;
}

const make = (options: EvalLogOptions = {}) =>
  Effect.gen(function* () {
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
            startedAt: event.startedAt,
            shard: options.shard
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
        Effect.asVoid(
          backlog.finish(event.evalId, {
            what: "eval end",
            write: store.recordEvalEnded({
              evalId: event.evalId,
              status: event.outcome,
              summary: event.report,
              endedAt: event.report.endedAt,
              shard: event.report.shard ?? options.shard,
              runLinks: event.report.cases.flatMap((suiteCase) =>
                suiteCase.results.flatMap((result) =>
                  result.runId === null ? [] : [{ caseId: suiteCase.id, target: result.target, runId: result.runId }]
                )
              )
            })
          })
        )
    });
  });

export const StoreEvalLog = {
  /** EvalLog over an existing Store. */
  layer: Layer.effect(EvalLog, make()) satisfies Layer.Layer<EvalLog, never, Store>,
  /**
   * A Store at `path` (a file or a postgres:// URL) with both logs over it, for `consortium eval`
   * (which also runs consortia).
   */
  layerWithStore: (
    path: string,
    options: StoreOptions & EvalLogOptions = {}
  ): Layer.Layer<EvalLog | RunLog | Store, StoreError> =>
    Layer.mergeAll(Layer.effect(EvalLog, make(options)), StoreRunLog.layer).pipe(
      Layer.provideMerge(Store.layer(path, options))
    )
} as const;
