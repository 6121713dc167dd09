import type { Usage } from "@consortium/providers";
import type { AssertionResult } from "../assertions/types.js";
import type { Calibration } from "./calibration.js";
import type { Comparison } from "./comparisons.js";

// The eval report: plain data, JSON-serialisable as is (`-o report.json` writes it whole). Every
// renderer (table, JUnit, Markdown) and `exitCodeFor` is a pure function of it.

/** A call's tokens as the report counts them: what it read and what it wrote. */
export type TokenUsage = Pick<Usage, "inputTokens" | "outputTokens">;

/** What one target did on one case. */
export interface CaseTargetResult {
  readonly target: string;
  readonly pass: boolean;
  /** With `repeat`: how many runs there were, how many passed, and their share (what `pass` is decided on). */
  readonly repeats?: { readonly runs: number; readonly passed: number; readonly share: number };
  /** Not run at all: the eval's budget was reached before it started (`error` says so). */
  readonly skipped?: true;
  /** The synthesis text (consortium) or the answer (model); "" when the run produced none. */
  readonly output: string;
  /** Synthesis confidence; null for single-model targets and runs without a synthesis. */
  readonly confidence: number | null;
  readonly latencyMs: number;
  readonly usage: TokenUsage;
  /** Judge calls of llm-rubric assertions, kept apart from the target's own tokens. */
  readonly judgeUsage: TokenUsage;
  /** The priced calls' cost, the judges' included; null when none was priced (or not known). */
  readonly costUsd: number | null;
  /**
   * False when some call of the case had no price: costUsd is then the priced part, a lower bound.
   * Absent (reports written before the flag) means complete when costUsd is a number.
   */
  readonly costComplete?: boolean;
  /** The consortium run's id (in the run log / database); null for single-model targets. */
  readonly runId: string | null;
  /** The consortium run's status, or "completed" / "failed" for a single call. */
  readonly status: string;
  /** Why the target produced no usable answer, or why the case could not be trusted (replay miss). */
  readonly error: string | null;
  readonly replayMisses: ReadonlyArray<string>;
  readonly assertions: ReadonlyArray<AssertionResult>;
}

export interface CaseReport {
  readonly id: string;
  readonly prompt: string;
  /** One entry per target, in the suite's target order. */
  readonly results: ReadonlyArray<CaseTargetResult>;
}

export interface TargetSummary {
  readonly target: string;
  readonly kind: "consortium" | "model";
  readonly total: number;
  readonly passed: number;
  /** passed / total; 1 when the target ran no case (nothing failed). */
  readonly passRate: number;
  readonly meetsThreshold: boolean;
  /** Mean synthesis confidence over the cases that have one; null when none has. */
  readonly meanConfidence: number | null;
  readonly latencyP50Ms: number;
  readonly latencyP95Ms: number;
  readonly usage: TokenUsage;
  readonly judgeUsage: TokenUsage;
  /** Sum over cases of their priced part; null when no case had one. */
  readonly costUsd: number | null;
  /** False when some call had no price: costUsd and the per-case and per-pass costs are lower bounds. */
  readonly costComplete: boolean;
  /** costUsd over the cases run (skipped ones cost nothing); null when no cost is known or nothing ran. */
  readonly costPerCaseUsd: number | null;
  /** costUsd over the cases passed; null when unknown or none passed. */
  readonly costPerPassUsd: number | null;
  /** Cases whose target produced no usable answer (model errors, replay misses). */
  readonly errors: number;
  /** Cases not run because the eval's budget was reached; they count as failed. */
  readonly skipped: number;
}

export interface EvalReport {
  readonly evalId: string;
  readonly suite: string;
  readonly source: string | null;
  readonly threshold: number;
  readonly shard: { readonly index: number; readonly count: number } | null;
  readonly filter: string | null;
  readonly targets: ReadonlyArray<TargetSummary>;
  readonly cases: ReadonlyArray<CaseReport>;
  /** With --vs-members: each consortium target against its best member alone. */
  readonly comparisons?: ReadonlyArray<Comparison>;
  /** Per consortium target: its final confidences binned with their pass rates (absent in older reports). */
  readonly calibration?: ReadonlyArray<Calibration>;
  /** Every replay miss of the run; any one of them makes the eval exit 2 (see exitCodeFor). */
  readonly replayMisses: ReadonlyArray<string>;
  /**
   * The eval was stopped (Ctrl-C) with `resultsPlanned` results to run: the report holds only the
   * ones that finished before. Absent for an eval that ran to its end.
   */
  readonly interrupted?: { readonly resultsPlanned: number };
  readonly startedAt: string;
  readonly endedAt: string;
  readonly durationMs: number;
}
