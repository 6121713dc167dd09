import type { CallRole } from "@consortium/engine";
import type { ColumnType, Generated, SqlBool } from "kysely";

// The tables as every backend holds them, in the types the repositories see. Column names are
// snake_case; JSON is written and read back as text (a backend may store it as jsonb); times are
// ISO-8601 UTC strings on the way in and out (a backend may store them as timestamptz).

/** A flag: written as a boolean, read back as a boolean or as SQLite's 0/1. */
export type Flag = ColumnType<SqlBool, boolean, boolean>;
export type NullableFlag = ColumnType<SqlBool | null, boolean | null, boolean | null>;

/** A run is `running` until the engine ends it, or until a later open finds its process gone. */
export type StoredRunStatus = "running" | "completed" | "degraded" | "failed" | "interrupted";

export interface RunsTable {
  readonly id: string;
  readonly consortium: string;
  readonly status: StoredRunStatus;
  readonly prompt: string;
  /** The resolved ConsortiumConfig, stored once in `configs`; null only for a hand-made row. */
  readonly config_key: string | null;
  /** sha256 of the canonical JSON of the config without its source path. */
  readonly config_hash: string;
  readonly source_file: string | null;
  readonly git_commit: string | null;
  /** Set when the source file differs from the commit (modified, untracked or ignored); null outside git. */
  readonly git_dirty: NullableFlag;
  readonly synthesis: string | null;
  readonly confidence: number | null;
  readonly iterations: Generated<number>;
  readonly input_tokens: Generated<number>;
  readonly output_tokens: Generated<number>;
  readonly cost_usd: number | null;
  /** false when some call's model had no price (cost_usd is then a lower bound); null while running or before costs were kept. */
  readonly cost_complete: NullableFlag;
  readonly started_at: string;
  readonly ended_at: string | null;
  readonly duration_ms: number | null;
  readonly error: string | null;
  /**
   * The run's result object (as `--json` prints it), once the run has ended, with what its call rows
   * hold as references to them (see runs/resultCalls.ts).
   */
  readonly result_json: string | null;
  /** Writer process, so a later open can tell a live run from an abandoned one. */
  readonly pid: number;
  readonly hostname: string;
  /** The first run of the conversation this run belongs to (its own id when it starts one). */
  readonly conversation_id: string | null;
  /** The run this one continues. */
  readonly parent_run_id: string | null;
  /** Who asked for the run: null for the CLI's `run`, else e.g. "serve" or "mcp". */
  readonly origin: string | null;
  /** Until when the writer vouches it is alive; it renews this while it works (null: before leases). */
  readonly lease_until: string | null;
  /** The run this one answered a member call of (an included consortium's run); null otherwise. */
  readonly outer_run_id: string | null;
}

/** Each config that runs were started from, once: many runs (an eval's cases) share one. */
export interface ConfigsTable {
  /** sha256 of config_json as written (so two spellings of one config may be two rows). */
  readonly key: string;
  /** The resolved ConsortiumConfig as JSON. */
  readonly config_json: string;
}

export interface CallsTable {
  readonly id: Generated<number>;
  readonly run_id: string;
  readonly iteration: number;
  readonly role: CallRole;
  readonly provider: string;
  readonly model: string;
  readonly instance: number;
  readonly request_json: string;
  readonly answer: string | null;
  readonly parsed_json: string | null;
  readonly input_tokens: number;
  readonly output_tokens: number;
  /** null when the model had no price, or for calls recorded before costs were kept. */
  readonly cost_usd: number | null;
  readonly latency_ms: number;
  readonly attempts: number;
  readonly error_json: string | null;
  readonly started_at: string;
  readonly ended_at: string;
  /** A member that is a whole consortium: the run that answered this call. */
  readonly inner_run_id: string | null;
  /** The answering layer (1-based) when the consortium has layers; null otherwise. */
  readonly layer: number | null;
}

/**
 * passed / failed: met or missed its threshold; error: could not be trusted (e.g. a replay miss, or
 * a shard that ended where no other shard can join it: the suite was never run whole).
 */
export type StoredEvalStatus = "running" | "passed" | "failed" | "error" | "interrupted";

export interface EvalsTable {
  readonly id: string;
  readonly suite: string;
  readonly source_file: string | null;
  readonly git_commit: string | null;
  readonly git_dirty: NullableFlag;
  readonly config_json: string;
  readonly status: StoredEvalStatus;
  readonly started_at: string;
  readonly ended_at: string | null;
  readonly summary_json: string | null;
  readonly pid: number;
  readonly hostname: string;
}

export interface EvalResultsTable {
  readonly id: Generated<number>;
  readonly eval_id: string;
  readonly case_id: string;
  /** The target's label: a consortium name or `provider/model`. */
  readonly target: string;
  /** The consortium run behind this result, when it was recorded. */
  readonly run_id: string | null;
  readonly passed: Flag;
  /** The run's status for a consortium, "completed" / "failed" for a single model. */
  readonly status: string | null;
  /** The synthesis or the answer the assertions were checked against. */
  readonly output: string | null;
  readonly assertions_json: string;
  readonly latency_ms: number | null;
  readonly input_tokens: number | null;
  readonly output_tokens: number | null;
  readonly confidence: number | null;
  readonly cost_usd: number | null;
  readonly error: string | null;
  readonly recorded_at: string;
}

/** One process's share of an eval (a CI job of a matrix); an eval run whole is shard 1 of 1. */
export interface EvalShardsTable {
  readonly eval_id: string;
  /** 1-based, as `--shard i/n` counts. */
  readonly shard_index: number;
  readonly shard_count: number;
  readonly status: StoredEvalStatus;
  readonly pid: number;
  readonly hostname: string;
  readonly lease_until: string | null;
  readonly started_at: string;
  readonly ended_at: string | null;
  /** This shard's own report; null for an eval run whole (one shard): the eval holds it. */
  readonly summary_json: string | null;
}

export interface Database {
  readonly runs: RunsTable;
  readonly configs: ConfigsTable;
  readonly calls: CallsTable;
  readonly evals: EvalsTable;
  readonly eval_results: EvalResultsTable;
  readonly eval_shards: EvalShardsTable;
}
