import type { RunLog } from "@consortium/engine";
import { type EvalEnded, EvalLog, type EvalStarted, InvalidEvalOption } from "@consortium/eval/records";
import { Effect, Layer } from "effect";
import { StoreError } from "./errors.js";
import { Store, type StoreOptions } from "./Store.js";
import { StoreRunLog } from "./StoreRunLog.js";
import type { EvalShard } from "./types.js";
import { makeWriteBacklog } from "./WriteBacklog.js";

// eval's EvalLog, written to the Store's `evals` and `eval_results` tables. Like the RunLog it never
// fails the eval (see WriteBacklog). An eval's outcome is its stored status, word for word.

export interface EvalLogOptions {
  /** The shard of the eval this process runs (`--shard i/n`), so the eval can tell when it is whole. */
  readonly shard?: EvalShard | undefined;
  /**
   * False when no other process can join this eval (its id was made up here, not shared by the
   * shards of a CI matrix): it then ends with its own shard, as `error` when it was one of several
   * (never the whole suite), instead of waiting for ever for shards that will never come.
   */
  readonly joinable?: boolean | undefined;
}

const make = (options: EvalLogOptions = {}) =>
  Effect.gen(function* () {
    const store = yield* Store;
    const backlog = yield* makeWriteBacklog("eval", store.path);
    const startOf = (event: EvalStarted) => ({
      evalId: event.evalId,
      suite: event.suite,
      sourceFile: event.source,
      config: {
        targets: event.targets,
        caseIds: event.caseIds,
        threshold: event.threshold,
        ...(options.joinable === false ? { joinable: false } : {})
      },
      startedAt: event.startedAt,
      shard: options.shard
    });
    return EvalLog.of({
      // A refusal to join stops the eval before any case runs; a write that fails is the backlog's,
      // tried again with the next write like any other.
      evalStarted: (event) =>
        Effect.catchTags(store.recordEvalStarted(startOf(event)), {
          EvalJoinRefused: (refused) =>
            Effect.fail(new InvalidEvalOption({ option: "--eval-id", message: refused.message })),
          StoreError: () =>
            backlog.submit(event.evalId, {
              what: "eval start",
              write: Effect.catchTag(
                store.recordEvalStarted(startOf(event)),
                "EvalJoinRefused",
                (refused) =>
                  new StoreError({ operation: "record eval start", path: store.path, message: refused.message })
              )
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
