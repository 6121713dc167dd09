// When to stop iterating, as one pure decision: go on while below min_iterations, below the
// confidence threshold, or asked for another round by the arbiter, and never past max_iterations.

export interface StopBounds {
  readonly confidenceThreshold: number;
  readonly minIterations: number;
  readonly maxIterations: number;
}

export interface RoundVerdict {
  readonly iteration: number;
  readonly confidence: number;
  readonly needsIteration: boolean;
}

export type StopDecision =
  | { readonly stop: true; readonly reason: "confident" | "max_iterations" }
  | { readonly stop: false; readonly reason: "min_iterations" | "low_confidence" | "arbiter_asked" };

/**
 * Stop after a round when the arbiter is confident enough, did not ask for another round and the
 * minimum number of rounds is done; or when the maximum is reached, whatever the arbiter said.
 */
export const decideStop = (verdict: RoundVerdict, bounds: StopBounds): StopDecision => {
  if (verdict.iteration >= bounds.maxIterations) return { stop: true, reason: "max_iterations" };
  if (verdict.iteration < bounds.minIterations) return { stop: false, reason: "min_iterations" };
  if (verdict.confidence < bounds.confidenceThreshold) return { stop: false, reason: "low_confidence" };
  if (verdict.needsIteration) return { stop: false, reason: "arbiter_asked" };
  return { stop: true, reason: "confident" };
};
