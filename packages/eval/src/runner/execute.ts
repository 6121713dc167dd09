import type { SuiteTarget } from "@consortium/config";
import { addCost, iso } from "@consortium/engine";
import { Cause, Clock, Effect, Exit } from "effect";
import { evaluateAssertions, type Judge } from "../assertions/evaluate.js";
import { withCallScope } from "../callScope.js";
import { EvalLog } from "../EvalLog.js";
import type { InvalidEvalOption } from "../errors.js";
import { calibrate } from "../report/calibration.js";
import { compareWithMembers } from "../report/comparisons.js";
import { outcomeOf } from "../report/exitCode.js";
import { summarizeTarget } from "../report/summarize.js";
import { NO_TOKENS } from "../report/tokens.js";
import type { CaseReport, CaseTargetResult, EvalReport } from "../report/types.js";
import { failedOutcome, type TargetOutcome } from "./outcome.js";
import type { PlannedCase, SuitePlan } from "./plan.js";
import { combineRepeats } from "./repeats.js";
import { type LabelledTarget, seedFor } from "./targets.js";

/** How a target is run and a judge asked; the engine supplies the real ones, tests may supply others. */
export interface Executors<R> {
  readonly runTarget: (target: SuiteTarget, prompt: string, seed: number) => Effect.Effect<TargetOutcome, never, R>;
  readonly judge: Judge<R>;
  /** Why nothing more may start (the eval's budget was reached), or null; absent when nothing limits it. */
  readonly budgetStop?: Effect.Effect<string | null>;
}

/** Anything unexpected in one case × target becomes that result's error; only an interrupt stops the suite. */
const containFailures = <R>(effect: Effect.Effect<TargetOutcome, never, R>) =>
  effect.pipe(
    Effect.catchAllCause((cause) =>
      Cause.isInterruptedOnly(cause)
        ? Effect.failCause(cause)
        : Effect.succeed(failedOutcome(`unexpected failure: ${Cause.squash(cause)}`))
    )
  );

/**
 * One run of a case on a target. Repeats after the first are keyed `<case>#<n>` in the call scope (so
 * a cassette records each repeat apart) and get their own seed.
 */
const runOnce = <R>(
  planned: PlannedCase,
  { label, target }: LabelledTarget,
  executors: Executors<R>,
  repeat: number
): Effect.Effect<CaseTargetResult, never, R> => {
  const { suiteCase } = planned;
  const scopeId = repeat === 1 ? suiteCase.id : `${suiteCase.id}#${repeat}`;
  const skipped = (reason: string): CaseTargetResult => ({
    target: label,
    pass: false,
    skipped: true,
    output: "",
    confidence: null,
    latencyMs: 0,
    usage: NO_TOKENS,
    judgeUsage: NO_TOKENS,
    costUsd: 0,
    costComplete: true,
    runId: null,
    status: "skipped",
    error: `not run: ${reason}`,
    replayMisses: [],
    assertions: []
  });
  const run = Effect.gen(function* () {
    const outcome = yield* containFailures(executors.runTarget(target, suiteCase.prompt, seedFor(scopeId, label)));
    const unjudged = { outcome, results: [], judgeUsage: NO_TOKENS, judgeCostUsd: 0, judgeCostComplete: true };
    if (outcome.refusedByBudget !== undefined) return unjudged;
    if (outcome.output === null) return unjudged;
    const { results, judgeUsage, judgeCostUsd, judgeCostComplete } = yield* evaluateAssertions(
      planned.assertions,
      {
        output: outcome.output,
        confidence: outcome.confidence ?? undefined,
        latencyMs: outcome.latencyMs,
        costUsd: outcome.costUsd,
        costComplete: outcome.costComplete
      },
      { prompt: suiteCase.prompt, judge: executors.judge }
    );
    return { outcome, results, judgeUsage, judgeCostUsd, judgeCostComplete };
  });
  // The scope attributes every model call below (members, arbiter, judges) to this case and target.
  const attempt = withCallScope(scopeId, label, run).pipe(
    Effect.map(
      ({
        value: { outcome, results, judgeUsage, judgeCostUsd, judgeCostComplete },
        replayMisses
      }): CaseTargetResult => {
        if (outcome.refusedByBudget !== undefined && replayMisses.length === 0) return skipped(outcome.refusedByBudget);
        const error =
          replayMisses.length > 0
            ? replayMisses.join("; ")
            : (outcome.error ?? (outcome.output === null ? "the target produced no answer" : null));
        return {
          target: label,
          pass: error === null && results.every((result) => result.pass),
          output: outcome.output ?? "",
          confidence: outcome.confidence,
          latencyMs: outcome.latencyMs,
          usage: outcome.usage,
          judgeUsage,
          // the case's cost includes its grading; an unpriced part leaves the priced rest as a lower bound
          costUsd: addCost(outcome.costUsd, judgeCostUsd),
          costComplete: outcome.costComplete && judgeCostComplete,
          runId: outcome.runId,
          status: outcome.status,
          error,
          replayMisses,
          assertions: results
        };
      }
    )
  );
  return executors.budgetStop === undefined
    ? attempt
    : Effect.flatMap(executors.budgetStop, (stop) => (stop === null ? attempt : Effect.succeed(skipped(stop))));
};

const runCaseOnTarget = <R>(
  planned: PlannedCase,
  labelled: LabelledTarget,
  executors: Executors<R>,
  plan: Pick<SuitePlan, "repeat" | "caseThreshold">
): Effect.Effect<CaseTargetResult, never, R> =>
  plan.repeat === 1
    ? runOnce(planned, labelled, executors, 1)
    : Effect.map(
        Effect.forEach(
          Array.from({ length: plan.repeat }, (_, index) => index + 1),
          (repeat) => runOnce(planned, labelled, executors, repeat)
        ),
        (runs) => combineRepeats(runs, plan.caseThreshold)
      );

const buildReport = (
  plan: SuitePlan,
  evalId: string,
  cases: ReadonlyArray<CaseReport>,
  started: number,
  ended: number
): EvalReport =>
  withComparisons(plan, {
    evalId,
    suite: plan.suite.name,
    source: plan.suite.source ?? null,
    threshold: plan.threshold,
    shard: plan.shard,
    filter: plan.filter,
    targets: plan.targets.map(({ label, target }) =>
      summarizeTarget(
        label,
        target.kind,
        cases.flatMap((suiteCase) => suiteCase.results.filter((result) => result.target === label)),
        plan.threshold
      )
    ),
    cases,
    calibration: plan.targets.flatMap(({ label, target }) =>
      target.kind === "consortium" ? [calibrate(label, target.config.confidenceThreshold, cases)] : []
    ),
    replayMisses: cases.flatMap((suiteCase) => suiteCase.results.flatMap((result) => result.replayMisses)),
    startedAt: iso(started),
    endedAt: iso(ended),
    durationMs: ended - started
  });

/** With --vs-members: each consortium target against the best of its members run alone. */
const withComparisons = (plan: SuitePlan, report: EvalReport): EvalReport => {
  if (plan.memberGroups.length === 0) return report;
  const summary = (label: string) => report.targets.find((target) => target.target === label);
  const comparisons = plan.memberGroups.flatMap((group) => {
    const consortium = summary(group.consortium);
    const members = group.members.flatMap((member) => summary(member) ?? []);
    const comparison = consortium === undefined ? undefined : compareWithMembers(consortium, members, report.cases);
    return comparison === undefined ? [] : [comparison];
  });
  return { ...report, comparisons };
};

/** The results that finished before an interrupt, in plan order; cases with none are left out. */
const finishedCases = (
  plan: SuitePlan,
  finished: ReadonlyArray<{ readonly caseId: string; readonly result: CaseTargetResult }>
): ReadonlyArray<CaseReport> =>
  plan.cases.flatMap(({ suiteCase }) => {
    const results = plan.targets.flatMap(({ label }) =>
      finished.filter((done) => done.caseId === suiteCase.id && done.result.target === label).map((done) => done.result)
    );
    return results.length === 0 ? [] : [{ id: suiteCase.id, prompt: suiteCase.prompt, results }];
  });

/**
 * Runs every planned case on every target and builds the report. Never fails: failures are results.
 * Interrupted (Ctrl-C, a timeout), it still ends the eval in the EvalLog with exit code 130 and the
 * results finished so far, so the stored eval never stays `running`, then ends interrupted.
 */
export const executePlan = <R>(
  plan: SuitePlan,
  executors: Executors<R>,
  evalId: string
): Effect.Effect<EvalReport, InvalidEvalOption, R | EvalLog> =>
  Effect.gen(function* () {
    const log = yield* EvalLog;
    const started = yield* Clock.currentTimeMillis;
    // Appended to in place: copying it per finished case made a long eval quadratic.
    const finished: Array<{ caseId: string; result: CaseTargetResult }> = [];

    const runAll = Effect.forEach(
      plan.cases,
      (planned) =>
        Effect.forEach(
          plan.targets,
          (target) =>
            runCaseOnTarget(planned, target, executors, plan).pipe(
              Effect.tap((result) =>
                Effect.uninterruptible(
                  Effect.flatMap(Clock.currentTimeMillis, (now) => {
                    finished.push({ caseId: planned.suiteCase.id, result });
                    return log.caseResult({ evalId, caseId: planned.suiteCase.id, result, endedAt: iso(now) });
                  })
                )
              )
            ),
          // one target (the usual suite) runs in the case's own fiber: a fork per case costs more than it gives
          { concurrency: plan.targets.length === 1 ? undefined : "unbounded" }
        ).pipe(
          Effect.map((results): CaseReport => ({ id: planned.suiteCase.id, prompt: planned.suiteCase.prompt, results }))
        ),
      { concurrency: plan.concurrency }
    );

    return yield* Effect.uninterruptibleMask((restore) =>
      Effect.gen(function* () {
        yield* log.evalStarted({
          evalId,
          suite: plan.suite.name,
          source: plan.suite.source ?? null,
          targets: plan.targets.map((target) => target.label),
          caseIds: plan.cases.map((planned) => planned.suiteCase.id),
          threshold: plan.threshold,
          startedAt: iso(started)
        });
        const exit = yield* Effect.exit(restore(runAll));
        const ended = yield* Clock.currentTimeMillis;
        if (Exit.isSuccess(exit)) {
          const report = buildReport(plan, evalId, exit.value, started, ended);
          yield* log.evalEnded({ evalId, outcome: outcomeOf(report), report });
          return report;
        }
        // runAll contains every failure, so only an interrupt gets here; a bug is recorded as an error.
        const outcome = Cause.isInterruptedOnly(exit.cause) ? "interrupted" : "error";
        const partial: EvalReport = {
          ...buildReport(plan, evalId, finishedCases(plan, finished), started, ended),
          interrupted: { resultsPlanned: plan.cases.length * plan.targets.length }
        };
        yield* log.evalEnded({ evalId, outcome, report: partial });
        return yield* Effect.failCause(exit.cause);
      })
    );
  });
