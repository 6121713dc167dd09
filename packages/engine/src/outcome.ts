import { formatDurationSetting } from "@consortium/config";
import { budgetReachedMessage, type Refusal } from "./budget.js";
import { runUsage } from "./cost.js";
import type {
  ArbiterCall,
  CallErrorInfo,
  Iteration,
  MemberResponse,
  RunStatus,
  RunUsage,
  Synthesis,
  UnfinishedIteration
} from "./result.js";
import { oneLine } from "./text/line.js";

// How a run ends, decided from plain data: the status, the one-line error and the final synthesis.
// Kept pure so every ending (quorum lost, arbiter down, timeout, interrupt) is tested without I/O.

/** Why the iteration loop stopped. */
export type Ending =
  | { readonly _tag: "Finished" }
  | { readonly _tag: "NoQuorum"; readonly iteration: number; readonly quorum: number }
  | { readonly _tag: "ArbiterFailed"; readonly iteration: number }
  | {
      readonly _tag: "NoReviewQuorum";
      readonly iteration: number;
      readonly quorum: number;
      readonly reviewed: number;
      readonly failures: ReadonlyArray<string>;
    }
  | { readonly _tag: "TimedOut"; readonly afterMs: number }
  | { readonly _tag: "Interrupted" }
  | { readonly _tag: "Defect"; readonly message: string }
  /** The next round or call could have taken the run past its budget, so it was not started. */
  | {
      readonly _tag: "BudgetReached";
      readonly iteration: number;
      readonly limitUsd: number;
      readonly spentUsd: number;
      /** What was not started: the round (checked before it) or a call in it, and what it lacked. */
      readonly next: "round" | "call";
      readonly refusal: Refusal | undefined;
    };

/** Everything the run has gathered so far; what an early ending still reports. */
export interface RunProgress {
  readonly iterations: ReadonlyArray<Iteration>;
  readonly unfinished: UnfinishedIteration | null;
  /** Arbiter output that could not be fully read, per round ("iteration 1: no <confidence> tag"). */
  readonly parseIssues: ReadonlyArray<string>;
}

export interface Outcome {
  readonly status: RunStatus;
  readonly synthesis: Synthesis | null;
  readonly error: string | null;
  readonly warnings: ReadonlyArray<string>;
}

/** `AuthFailed: 401 invalid key`, without repeating the model name the provider put in front. */
export const describeError = (error: CallErrorInfo, model?: string): string => {
  const message =
    model !== undefined && error.message.startsWith(`${model}: `)
      ? error.message.slice(model.length + 2)
      : error.message;
  return oneLine(`${error.type}: ${message}`);
};

export const memberName = (response: { readonly member: string; readonly instance: number }): string =>
  `${response.member}#${response.instance}`;

/** A member's failure as one phrase: `openai/gpt-4.1-mini#1: AuthFailed: 401 invalid key`. */
export const describeMemberFailure = (response: MemberResponse): string =>
  response.error === null
    ? `${memberName(response)}: ok`
    : `${memberName(response)}: ${describeError(response.error, response.member)}`;

const describeArbiterFailure = (call: ArbiterCall): string =>
  call.error === null ? `${call.model}: ok` : `${call.model}: ${describeError(call.error, call.model)}`;

/** At most `limit` items, then "and N more", so the one-line error stays one readable line. */
const listSome = (items: ReadonlyArray<string>, limit = 3): string =>
  items.length <= limit ? items.join("; ") : `${items.slice(0, limit).join("; ")}; and ${items.length - limit} more`;

/** True when a response counts towards the quorum: no error and a non-blank answer. */
export const answered = (response: MemberResponse): boolean =>
  response.error === null && response.text.trim().length > 0;

const lostMembers = (progress: RunProgress): Array<string> => {
  const rounds: Array<{ readonly index: number; readonly responses: ReadonlyArray<MemberResponse> }> = [
    ...progress.iterations,
    ...(progress.unfinished === null ? [] : [progress.unfinished])
  ];
  return rounds.flatMap((round) =>
    round.responses
      .filter((response) => !answered(response))
      .map((response) => `iteration ${round.index}: member ${describeMemberFailure(response)}`)
  );
};

const fallbackWarnings = (iterations: ReadonlyArray<Iteration>): Array<string> =>
  iterations.flatMap((iteration) =>
    (iteration.arbiterFailures ?? []).map(
      (failure) =>
        `iteration ${iteration.index}: arbiter ${describeArbiterFailure(failure)} (used ${iteration.arbiter?.model ?? "no arbiter"})`
    )
  );

const currentIndex = (progress: RunProgress): number =>
  progress.unfinished?.index ?? (progress.iterations.at(-1)?.index ?? 0) + 1;

const endingError = (ending: Ending, progress: RunProgress): string | null => {
  switch (ending._tag) {
    case "Finished":
      return null;
    case "NoQuorum": {
      const responses = progress.unfinished?.responses ?? [];
      const ok = responses.filter(answered).length;
      const failures = responses.filter((response) => !answered(response)).map(describeMemberFailure);
      const noun = ending.quorum === 1 ? "answer" : "answers";
      return oneLine(
        `no quorum in iteration ${ending.iteration}: ${ok} of ${responses.length} members answered, ` +
          `${ending.quorum} ${noun} needed (${listSome(failures)})`
      );
    }
    case "ArbiterFailed": {
      const failures = (progress.unfinished?.arbiterFailures ?? []).map(describeArbiterFailure);
      return oneLine(`arbiter failed in iteration ${ending.iteration}: ${listSome(failures)}`);
    }
    case "NoReviewQuorum":
      return oneLine(
        `no quorum of reviews in iteration ${ending.iteration}: ${ending.reviewed} reviewers gave a ranking, ` +
          `${ending.quorum} needed (${listSome(ending.failures)})`
      );
    case "TimedOut":
      return `run timed out after ${formatDurationSetting(ending.afterMs)} in iteration ${currentIndex(progress)}`;
    case "Interrupted":
      return `interrupted in iteration ${currentIndex(progress)}`;
    case "Defect":
      return oneLine(`internal error: ${ending.message}`);
    case "BudgetReached":
      return budgetReachedMessage(
        ending.limitUsd,
        ending.spentUsd,
        ending.refusal === undefined ? undefined : { what: ending.next, refusal: ending.refusal }
      );
  }
};

/**
 * completed: every member answered in every round and the final synthesis was read;
 * degraded: went on without some members, the final arbiter output could not be read, or the run
 *   stopped early but a synthesis from an earlier round exists;
 * failed: no synthesis at all; interrupted: the user stopped it. An empty answer is never a success.
 */
export const decideOutcome = (ending: Ending, progress: RunProgress): Outcome => {
  const last = progress.iterations.at(-1);
  const synthesis = last?.synthesis ?? null;
  const warnings = [...lostMembers(progress), ...fallbackWarnings(progress.iterations), ...progress.parseIssues];
  const error = endingError(ending, progress);
  if (ending._tag === "Interrupted") return { status: "interrupted", synthesis, error, warnings };
  if (synthesis === null || synthesis.text.trim().length === 0) {
    return { status: "failed", synthesis: null, error: error ?? "the run produced no answer", warnings };
  }
  const clean = ending._tag === "Finished" && lostMembers(progress).length === 0 && synthesis.parsed;
  return { status: clean ? "completed" : "degraded", synthesis, error, warnings };
};

/** Tokens and cost over every call of the run, failed calls included (they may have been billed). */
export const totalUsage = (progress: RunProgress): RunUsage =>
  runUsage([...progress.iterations, ...(progress.unfinished === null ? [] : [progress.unfinished])]);
