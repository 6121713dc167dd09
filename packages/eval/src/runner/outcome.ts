import { NO_TOKENS } from "../report/tokens.js";
import type { TokenUsage } from "../report/types.js";

/** What running one target on one case gave, before any assertion looked at it. */
export interface TargetOutcome {
  /** The synthesis or answer; null when the target produced none (then `error` says why). */
  readonly output: string | null;
  readonly confidence: number | null;
  readonly latencyMs: number;
  readonly usage: TokenUsage;
  /** The priced calls' cost; null when no call had a price. */
  readonly costUsd: number | null;
  /** False when some call had no price: costUsd is then a lower bound. */
  readonly costComplete: boolean;
  readonly runId: string | null;
  readonly status: string;
  readonly error: string | null;
  /** Set when the eval's budget let no call of it start: the case is then reported as skipped. */
  readonly refusedByBudget?: string;
}

export const failedOutcome = (error: string, latencyMs = 0): TargetOutcome => ({
  output: null,
  confidence: null,
  latencyMs,
  usage: NO_TOKENS,
  costUsd: null,
  costComplete: false,
  runId: null,
  status: "failed",
  error
});
