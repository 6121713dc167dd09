import type { Effect } from "effect";
import type { LabelledAnswer } from "../prompts.js";
import type { ArbiterCall, IterationCore, JudgingRecords, MemberResponse, Synthesis } from "../result.js";
import type { RunContext } from "../runContext.js";

// The judging step of a round, as one interface: the round's answers in, a verdict out. Each method
// is one file in this folder and one line in `methods.ts`; the loop in runConsortium knows none of them.

export interface RoundToJudge {
  readonly iteration: number;
  /** The answers that count (no error, not blank), in file order. */
  readonly answers: ReadonlyArray<MemberResponse>;
  /**
   * The same answers as the judge is to be shown them: labelled (and, anonymised, shuffled by the
   * round's seed) once for the round, so its responses keep these labels whatever the judge does.
   */
  readonly labelled: ReadonlyArray<LabelledAnswer>;
}

/** The fields of the round's Iteration the method fills: the calls it made and its own data. */
export type JudgeRecord = Pick<IterationCore, "shuffleSeed"> & JudgingRecords[keyof JudgingRecords];

export interface Verdict {
  /** The round's answer and confidence, which the stop rule reads. */
  readonly synthesis: Synthesis;
  /** How each answer was shown to the judge, so responses can be traced to their label. */
  readonly answers: ReadonlyArray<LabelledAnswer>;
  /** What the judge's output could not be read, one warning line each (empty when all was read). */
  readonly parseIssues: ReadonlyArray<string>;
  readonly record: JudgeRecord;
}

export type Judged =
  | { readonly _tag: "Judged"; readonly verdict: Verdict }
  /** No judge call succeeded: the round has no verdict and the run ends. */
  | { readonly _tag: "AllFailed"; readonly failures: ReadonlyArray<ArbiterCall> }
  /** Too few reviews to rank on (peer-review): the run ends as for too few answers. */
  | { readonly _tag: "NoReviewQuorum"; readonly reviewed: number; readonly failures: ReadonlyArray<string> };

export type JudgingMethod = (context: RunContext, round: RoundToJudge) => Effect.Effect<Judged>;
