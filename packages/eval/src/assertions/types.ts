import type { ModelRef } from "@consortium/config";

/** What one target produced for one case: everything an assertion may look at. */
export interface Observation {
  readonly output: string;
  /** The synthesis confidence of a consortium run; undefined for a single-model target. */
  readonly confidence: number | undefined;
  readonly latencyMs: number;
  /** What the target's priced calls for this case cost, in USD; null when none was priced. */
  readonly costUsd?: number | null;
  /** False when some call had no price: costUsd is then a lower bound. Absent: complete. */
  readonly costComplete?: boolean;
}

/** One assertion's verdict as reports show it. `type` is as written, "not-" prefix included. */
export interface AssertionResult {
  readonly type: string;
  readonly pass: boolean;
  readonly reason: string;
}

/**
 * A check either decides whether its property holds (and negation flips it), or cannot be decided at
 * all (no confidence on a single model, the judge failed): undecided fails whether negated or not,
 * so `not-min-confidence` never passes by accident.
 */
export type Outcome =
  | { readonly _tag: "Decided"; readonly holds: boolean; readonly reason: string }
  | { readonly _tag: "Undecided"; readonly reason: string };

export const decided = (holds: boolean, reason: string): Outcome => ({ _tag: "Decided", holds, reason });
export const undecided = (reason: string): Outcome => ({ _tag: "Undecided", reason });

/** An assertion made ready once per suite: regexes built, JSON schemas compiled. */
export type CompiledAssertion =
  | {
      readonly kind: "check";
      readonly type: string;
      readonly negate: boolean;
      readonly check: (observation: Observation) => Outcome;
    }
  | {
      readonly kind: "rubric";
      readonly type: string;
      readonly negate: boolean;
      readonly rubric: string;
      readonly judge: ModelRef;
    };

export const toResult = (assertion: { readonly type: string; readonly negate: boolean }, outcome: Outcome) =>
  ({
    type: assertion.type,
    pass: outcome._tag === "Decided" && outcome.holds !== assertion.negate,
    reason: outcome.reason
  }) satisfies AssertionResult;
