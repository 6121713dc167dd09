import type { CallErrorInfo, CallRole, RunResult } from "@consortium/engine";
import type { StoredEvalStatus, StoredRunStatus } from "./Database.js";

// What the read API hands the CLI: camelCase, JSON columns parsed, booleans as booleans. These are
// also the `--json` forms of `consortium runs` and `consortium show`.

export interface RunSummary {
  readonly id: string;
  readonly consortium: string;
  readonly status: StoredRunStatus;
  /** The first 200 characters of the prompt. */
  readonly promptHead: string;
  readonly startedAt: string;
  readonly endedAt: string | null;
  readonly durationMs: number | null;
  readonly iterations: number;
  readonly confidence: number | null;
  readonly inputTokens: number;
  readonly outputTokens: number;
  /** While the run is going: what its finished calls cost so far (null when none was priced). */
  readonly costUsd: number | null;
  /** false: some call's model had no price and costUsd is a lower bound; null when unknown (older rows). */
  readonly costComplete: boolean | null;
  /** Who asked for the run: null for the CLI's `run`, else e.g. "serve" or "mcp". */
  readonly origin: string | null;
  /** The run whose member call this run answered (an included consortium's run); null for any other. */
  readonly outerRunId: string | null;
}

/** One run of a conversation, as `show` lists them and `run --continue` rebuilds the history. */
export interface ConversationTurn {
  readonly runId: string;
  readonly parentRunId: string | null;
  readonly status: StoredRunStatus;
  readonly prompt: string;
  readonly synthesis: string | null;
  readonly startedAt: string;
}

export interface StoredCall {
  readonly id: number;
  readonly runId: string;
  readonly iteration: number;
  readonly role: CallRole;
  readonly provider: string;
  readonly model: string;
  readonly instance: number;
  readonly request: unknown;
  readonly text: string | null;
  /** Arbiter calls: the fields the engine parsed from the output. */
  readonly parsed: unknown;
  readonly inputTokens: number;
  readonly outputTokens: number;
  /** null when the model had no price. */
  readonly costUsd: number | null;
  readonly latencyMs: number;
  readonly attempts: number;
  readonly error: CallErrorInfo | null;
  readonly startedAt: string;
  readonly endedAt: string;
  /** A member that is a whole consortium: the run that answered. */
  readonly innerRunId: string | null;
  /** The answering layer (1-based) when the consortium has layers. */
  readonly layer: number | null;
}

export interface StoredRun {
  readonly id: string;
  readonly consortium: string;
  readonly status: StoredRunStatus;
  readonly prompt: string;
  readonly config: unknown;
  readonly configHash: string;
  readonly sourceFile: string | null;
  readonly gitCommit: string | null;
  readonly gitDirty: boolean | null;
  readonly synthesis: string | null;
  readonly confidence: number | null;
  readonly iterations: number;
  readonly inputTokens: number;
  readonly outputTokens: number;
  /** While the run is going: what its finished calls cost so far (null when none was priced). */
  readonly costUsd: number | null;
  /** false: some call's model had no price and costUsd is a lower bound; null when unknown (older rows). */
  readonly costComplete: boolean | null;
  readonly startedAt: string;
  readonly endedAt: string | null;
  readonly durationMs: number | null;
  readonly error: string | null;
  /** The result object as the engine returned it; null while running or when the run was swept. */
  readonly result: RunResult | null;
  readonly pid: number;
  readonly hostname: string;
  /** The conversation's first run (this run's own id when it started one). */
  readonly conversationId: string;
  /** The run this one continues. */
  readonly parentRunId: string | null;
  readonly origin: string | null;
  /** The run this one answered a member call of, when it is an included consortium's run. */
  readonly outerRunId: string | null;
  /** Every run of the conversation, this one included, oldest first. */
  readonly conversation: ReadonlyArray<ConversationTurn>;
  /** Every recorded call, by iteration, members before the arbiter, in the order they ended. */
  readonly calls: ReadonlyArray<StoredCall>;
}

/** Which share of an eval's cases one process runs: `--shard 2/4`. */
export interface EvalShard {
  readonly index: number;
  readonly count: number;
}

export interface EvalStartRecord {
  readonly evalId: string;
  /** This process's shard; the whole eval (1 of 1) when absent. */
  readonly shard?: EvalShard | null | undefined;
  readonly suite: string;
  /** Absolute path of the suite file; its git commit is looked up from it. */
  readonly sourceFile: string | null;
  /** What describes the eval (targets, cases, threshold), stored as JSON. */
  readonly config: unknown;
  readonly startedAt: string;
}

export interface EvalResultRecord {
  readonly evalId: string;
  readonly caseId: string;
  readonly target: string;
  /** The consortium run behind the result; stored as null when that run was not recorded here. */
  readonly runId: string | null;
  readonly passed: boolean;
  /** The run's status for a consortium target, "completed" / "failed" for a single model. */
  readonly status: string | null;
  /** What the assertions were checked against. */
  readonly output: string | null;
  readonly assertions: unknown;
  readonly latencyMs: number | null;
  readonly inputTokens: number | null;
  readonly outputTokens: number | null;
  readonly confidence: number | null;
  readonly costUsd: number | null;
  readonly error: string | null;
  readonly recordedAt: string;
}

export interface EvalEndRecord {
  readonly evalId: string;
  /** The shard that ended; the whole eval (1 of 1) when absent. */
  readonly shard?: EvalShard | null | undefined;
  readonly status: Exclude<StoredEvalStatus, "running">;
  /** The eval report, stored as JSON. */
  readonly summary: unknown;
  readonly endedAt: string;
  /**
   * The run behind each result, linked again at the end: a result recorded while its run's first row
   * was still waiting to be written could not be linked then.
   */
  readonly runLinks?: ReadonlyArray<{ readonly caseId: string; readonly target: string; readonly runId: string }>;
}

export interface EvalSummary {
  readonly id: string;
  readonly suite: string;
  readonly status: StoredEvalStatus;
  readonly startedAt: string;
  readonly endedAt: string | null;
  readonly results: number;
  readonly passed: number;
}

export interface StoredEvalResult extends Omit<EvalResultRecord, "evalId"> {
  readonly id: number;
}

export interface StoredEvalShard {
  readonly index: number;
  readonly count: number;
  readonly status: StoredEvalStatus;
  readonly pid: number;
  readonly hostname: string;
  readonly startedAt: string;
  readonly endedAt: string | null;
}

export interface StoredEval {
  readonly id: string;
  readonly suite: string;
  readonly status: StoredEvalStatus;
  readonly sourceFile: string | null;
  readonly gitCommit: string | null;
  readonly gitDirty: boolean | null;
  readonly config: unknown;
  readonly summary: unknown;
  readonly startedAt: string;
  readonly endedAt: string | null;
  readonly pid: number;
  readonly hostname: string;
  readonly results: ReadonlyArray<StoredEvalResult>;
  /** The processes that wrote this eval, by shard; an eval run whole has one. */
  readonly shards: ReadonlyArray<StoredEvalShard>;
  /** Shards of the eval that never started here (1-based): the eval is not whole without them. */
  readonly missingShards: ReadonlyArray<number>;
}
