// The result object of SPEC section 7. `--json`, `--output`, the Promise API and the Effect API all
// return exactly this; scripts depend on these names, so change them only with the spec.

export type RunStatus = "completed" | "degraded" | "failed" | "interrupted";

export interface Usage {
  readonly inputTokens: number;
  readonly outputTokens: number;
}

/** A failure kept as data next to the call it belongs to. */
export interface CallErrorInfo {
  /** The tagged error's tag: RateLimited, AttemptTimeout, AuthFailed, ... */
  readonly type: string;
  readonly message: string;
}

export interface MemberResponse {
  /** `provider/model` as written after normalisation, e.g. "openai/gpt-4.1-mini". */
  readonly member: string;
  /** 1-based instance number within this member. */
  readonly instance: number;
  /** Empty string when the call failed. */
  readonly text: string;
  readonly usage: Usage;
  readonly latencyMs: number;
  readonly attempts: number;
  readonly error: CallErrorInfo | null;
}

export interface Synthesis {
  readonly text: string;
  /** 0..1 */
  readonly confidence: number;
  readonly analysis: string;
  readonly dissent: string;
  readonly needsIteration: boolean;
  readonly refinementAreas: ReadonlyArray<string>;
  /** false when the arbiter's tags could not be read: text is then the raw output, confidence 0. */
  readonly parsed: boolean;
}

export interface ArbiterCall {
  /** Which model produced the synthesis (the arbiter or one of its fallbacks). */
  readonly model: string;
  readonly raw: string;
  readonly usage: Usage;
  readonly latencyMs: number;
  readonly attempts: number;
  readonly error: CallErrorInfo | null;
}

export interface Iteration {
  readonly index: number;
  readonly responses: ReadonlyArray<MemberResponse>;
  readonly synthesis: Synthesis;
  /** The arbiter's call(s) for this iteration; the raw output is shown with --raw. */
  readonly arbiter: ArbiterCall;
  /** Seed of the shuffle that ordered the anonymised answers, so the arbiter prompt can be rebuilt. */
  readonly shuffleSeed: number;
}

export interface RunResult {
  readonly runId: string;
  readonly consortium: string;
  readonly status: RunStatus;
  readonly prompt: string;
  /** null only when the run failed before any synthesis existed. */
  readonly synthesis: Synthesis | null;
  readonly iterations: ReadonlyArray<Iteration>;
  readonly usage: Usage & { readonly costUsd: number | null };
  readonly durationMs: number;
  /** One line a human can read; null on success. Degraded runs say what was lost in `warnings`. */
  readonly error: string | null;
  readonly warnings: ReadonlyArray<string>;
  readonly startedAt: string;
  readonly endedAt: string;
}
