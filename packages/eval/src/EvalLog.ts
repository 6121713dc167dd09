import { Context, Effect, Layer } from "effect";
import type { InvalidEvalOption } from "./errors.js";
import type { EvalOutcome } from "./report/exitCode.js";
import type { CaseTargetResult, EvalReport } from "./report/types.js";

// How an eval is recorded as it happens, beside the consortium runs the engine logs through RunLog.
// The store implements it (tables `evals` and `eval_results`); `--no-log` and tests use `EvalLog.none`.
// Each method is called once its event has ended.

export interface EvalStarted {
  readonly evalId: string;
  readonly suite: string;
  /** Absolute path of the suite file, when it came from one. */
  readonly source: string | null;
  /** Target labels in report order. */
  readonly targets: ReadonlyArray<string>;
  /** Cases selected for this invocation (after --filter and --shard). */
  readonly caseIds: ReadonlyArray<string>;
  readonly threshold: number;
  readonly startedAt: string;
}

export interface EvalCaseResult {
  readonly evalId: string;
  readonly caseId: string;
  /**
   * The target's result; `result.runId` links a consortium target to its run in the RunLog, so
   * `consortium show <runId>` explains a failing case.
   */
  readonly result: CaseTargetResult;
  readonly endedAt: string;
}

export interface EvalEnded {
  readonly evalId: string;
  /**
   * As `outcomeOf` says for a finished eval; `interrupted` when it was stopped, and then `report`
   * holds only the results that finished before it.
   */
  readonly outcome: EvalOutcome;
  readonly report: EvalReport;
}

export class EvalLog extends Context.Tag("@consortium/eval/EvalLog")<
  EvalLog,
  {
    /**
     * Fails only when the record refuses this eval outright (an --eval-id that names an ended eval,
     * or one of another suite): the eval then stops before any case runs.
     */
    readonly evalStarted: (event: EvalStarted) => Effect.Effect<void, InvalidEvalOption>;
    readonly caseResult: (event: EvalCaseResult) => Effect.Effect<void>;
    readonly evalEnded: (event: EvalEnded) => Effect.Effect<void>;
  }
>() {
  /** Records nothing. */
  static readonly none = Layer.succeed(EvalLog, {
    evalStarted: () => Effect.void,
    caseResult: () => Effect.void,
    evalEnded: () => Effect.void
  });
}
