// The result object. `--json`, `--output`, the Promise API and the Effect API all
// return exactly this; scripts depend on these names, so change them only as a documented, breaking change.

export type RunStatus = "completed" | "degraded" | "failed" | "interrupted";

import type { Usage as Tokens } from "@consortium/providers";

/**
 * Tokens (cache reads and writes counted apart when the provider reports them) and what they cost in
 * USD. A call's costUsd is null when its model has no price; a sum is a lower bound over the calls
 * that have one, null when none has.
 */
export interface Usage extends Tokens {
  readonly costUsd: number | null;
}

export interface RunUsage extends Usage {
  /** false when some call's model had no price: costUsd is then a lower bound. */
  readonly costComplete: boolean;
  /** `provider/model` of the models without a price, sorted. */
  readonly unpricedModels: ReadonlyArray<string>;
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
  /**
   * The label this answer was judged under ("Response 2", or "openai/gpt-4.1-mini #1" when not
   * anonymised), so the judge's analysis, ranking or failed request can be traced back to a model; kept
   * when the judge then failed or was interrupted (a vote settled without a tie-break has labels too,
   * though no judge call read them). null when the answer was not among those judged: the call failed
   * or was blank, it is an earlier layer's answer, or the round ended before judging. Always present in
   * what the engine returns (null, never absent); optional in the type so hand-built fixtures stay valid.
   */
  readonly label?: string | null;
  /** The role the strategy gave this instance; present only when the consortium gives roles. */
  readonly role?: string;
  /** Which answering layer (1-based) this is; present only when the consortium has layers > 1. */
  readonly layer?: number;
  /** The run of an included consortium that gave this answer; present only for such a member. */
  readonly innerRunId?: string;
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

/** What every judged round records, whatever method judged it. */
export interface IterationCore {
  readonly index: number;
  /** Every call of this round: members, arbiter, failed fallbacks. */
  readonly usage: Usage;
  readonly responses: ReadonlyArray<MemberResponse>;
  readonly synthesis: Synthesis;
  /** Seed of the shuffle that ordered the anonymised answers, so the judge's prompt can be rebuilt. */
  readonly shuffleSeed: number;
  /** Why the run went on or stopped after this round (see decideStop). */
  readonly decision?: "confident" | "max_iterations" | "min_iterations" | "low_confidence" | "arbiter_asked";
}

/** A round the arbiter judged. */
export interface ArbiterJudged {
  /** The arbiter's call(s) for this iteration; the raw output is shown with --raw. */
  readonly arbiter: ArbiterCall;
  /** Arbiter calls that failed before `arbiter` succeeded (the main arbiter, earlier fallbacks). */
  readonly arbiterFailures?: ReadonlyArray<ArbiterCall>;
}

/** One answer's place in a ranking, best first, with the member behind its label. */
export interface RankedAnswer {
  readonly label: string;
  readonly member: string;
  readonly instance: number;
}

/** A place in the peers' aggregate: Borda points, and the mean rank that breaks ties. */
export interface AggregateRank extends RankedAnswer {
  readonly points: number;
  /** Mean position (1 = best) among the reviews that ranked it; null when none did. */
  readonly averageRank: number | null;
}

/** One reviewer's call under peer-review; a failed or unreadable review has an empty ranking and is left out. */
export interface Review {
  readonly member: string;
  readonly instance: number;
  /** Labels best first, as read from its reply. */
  readonly ranking: ReadonlyArray<string>;
  readonly raw: string;
  readonly usage: Usage;
  readonly latencyMs: number;
  readonly attempts: number;
  readonly error: CallErrorInfo | null;
}

/** Answers that normalise to the same vote, in member order. */
export interface VoteGroup {
  /** The normalised answer (or the extract's capture). */
  readonly vote: string;
  readonly count: number;
  readonly members: ReadonlyArray<{ readonly member: string; readonly instance: number }>;
}

/**
 * What each judging method records in its rounds, by method name. A method that records more adds its
 * entry here with required fields; readers narrow with `"ranking" in iteration`.
 */
export interface JudgingRecords {
  readonly synthesis: ArbiterJudged;
  readonly select: ArbiterJudged & { readonly ranking: ReadonlyArray<RankedAnswer> };
  readonly "peer-review": ArbiterJudged & {
    readonly ranking: ReadonlyArray<AggregateRank>;
    readonly reviews: ReadonlyArray<Review>;
  };
  readonly vote: {
    /** Only asked to break a tie; null when one answer won outright. */
    readonly arbiter: ArbiterCall | null;
    readonly arbiterFailures?: ReadonlyArray<ArbiterCall>;
    readonly votes: ReadonlyArray<VoteGroup>;
  };
}

/** A member instance the elimination strategy took out of the following rounds, and why. */
export interface Elimination {
  readonly member: string;
  readonly instance: number;
  /** e.g. "ranked 4 of 4 in iteration 1" */
  readonly reason: string;
}

/** What a between-round strategy adds to a round: present only when the consortium eliminates. */
export type StrategyRecord = Record<never, never> | { readonly eliminated: ReadonlyArray<Elimination> };

/** One round as the result reports it: the common fields, its judging method's own, its strategy's. */
export type Iteration = IterationCore & JudgingRecords[keyof JudgingRecords] & StrategyRecord;

/** A round that never reached a synthesis: no quorum, every arbiter failed, a timeout or an interrupt. */
export interface UnfinishedIteration {
  readonly index: number;
  /** The member calls that ended (with their errors); calls cut off by an interrupt are marked as such. */
  readonly responses: ReadonlyArray<MemberResponse>;
  readonly arbiterFailures: ReadonlyArray<ArbiterCall>;
}

/**
 * An unfinished round as `iterations` lists it: the calls it made (with their errors), no synthesis.
 * Every round that made calls is in `iterations`, so the result, the store and the usage totals agree.
 */
export interface UnfinishedRound extends UnfinishedIteration {
  readonly unfinished: true;
  readonly synthesis: null;
  readonly arbiter: null;
  /** The calls it made, failed ones included (they may have been billed). */
  readonly usage: Usage;
  readonly shuffleSeed?: undefined;
  readonly decision?: undefined;
}

/** One entry of `iterations`: a round that reached a synthesis, or the last one, cut short. */
export type RoundResult = (Iteration & { readonly unfinished?: false }) | UnfinishedRound;

export interface RunResult {
  readonly runId: string;
  readonly consortium: string;
  readonly status: RunStatus;
  readonly prompt: string;
  /** null only when the run failed before any synthesis existed. */
  readonly synthesis: Synthesis | null;
  /** Every round that made calls, in order; only the last can be `unfinished`. */
  readonly iterations: ReadonlyArray<RoundResult>;
  readonly usage: RunUsage;
  readonly durationMs: number;
  /** One line a human can read; null on success. Degraded runs say what was lost in `warnings`. */
  readonly error: string | null;
  readonly warnings: ReadonlyArray<string>;
  readonly startedAt: string;
  readonly endedAt: string;
  /** The run's seed; with it each round's shuffle seed (and so the arbiter's prompts) can be rebuilt. */
  readonly seed?: number;
  /** The round in progress when the run ended early, so its members' errors are kept; null otherwise. */
  readonly unfinished?: UnfinishedIteration | null;
}
