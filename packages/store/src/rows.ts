import { createHash } from "node:crypto";
import { roundUsd } from "@consortium/config";
import type { CallRecord, RunEnded, RunStarted } from "@consortium/engine";
import type { Insertable, Selectable, SqlBool, Updateable } from "kysely";
import type { CallsTable, ConfigsTable, EvalResultsTable, EvalShardsTable, EvalsTable, RunsTable } from "./Database.js";
import { joinReport } from "./evals/reportResults.js";
import type { GitInfo } from "./gitInfo.js";
import { parseJson } from "./parseJson.js";
import type { Provenance } from "./provenance.js";
import { redact, redactNullable } from "./redact.js";
import type { CallRow } from "./runs/callWrites.js";
import { joinResult } from "./runs/resultCalls.js";
import type {
  ConversationTurn,
  EvalEndRecord,
  EvalResultRecord,
  EvalStartRecord,
  EvalSummary,
  RunSummary,
  StoredCall,
  StoredEval,
  StoredEvalResult,
  StoredEvalShard,
  StoredRun
} from "./types.js";

// Pure translations between the engine's records and table rows, both ways. Every string bound for
// the disk goes through `redact`; JSON goes in as text and comes back parsed.

export interface Writer {
  readonly pid: number;
  readonly hostname: string;
}

export const PROMPT_HEAD_LENGTH = 200;

export const json = (value: unknown, secrets: ReadonlyArray<string>): string =>
  redact(JSON.stringify(value ?? null), secrets);

const jsonOrNull = (value: unknown, secrets: ReadonlyArray<string>): string | null =>
  value === undefined || value === null ? null : json(value, secrets);

export { parseJson };

/** A flag as read back: a boolean, or 0 / 1 from a backend without booleans. */
const flag = (value: SqlBool): boolean => value === true || value === 1;
const nullableFlag = (value: SqlBool | null): boolean | null => (value === null ? null : flag(value));

/** A config as stored once for every run of it: its JSON, and the sha256 of that text as its key. */
export type ConfigRow = Insertable<ConfigsTable>;

export const configRow = (config: object, secrets: ReadonlyArray<string>): ConfigRow => {
  const text = json(config, secrets);
  return { key: createHash("sha256").update(text).digest("hex"), config_json: text };
};

export const runStartedRow = (
  run: RunStarted,
  writer: Writer,
  provenance: Provenance,
  leaseUntil: string,
  secrets: ReadonlyArray<string>,
  configKey: string
): Insertable<RunsTable> => ({
  id: run.runId,
  consortium: run.config.name,
  status: "running",
  prompt: redact(run.prompt, secrets),
  config_key: configKey,
  config_hash: provenance.configHash,
  source_file: run.config.source ?? null,
  git_commit: provenance.gitCommit,
  git_dirty: provenance.gitDirty,
  started_at: run.startedAt,
  pid: writer.pid,
  hostname: writer.hostname,
  lease_until: leaseUntil,
  conversation_id: run.conversation?.id ?? run.runId,
  parent_run_id: run.conversation?.parentRunId ?? null,
  origin: run.origin ?? null,
  outer_run_id: run.nestedIn?.runId ?? null
});

export const callRow = (call: CallRecord, secrets: ReadonlyArray<string>): CallRow => ({
  run_id: call.runId,
  iteration: call.iteration,
  role: call.role,
  provider: call.provider,
  model: call.model,
  instance: call.instance,
  request_json: json(call.request, secrets),
  answer: redactNullable(call.text, secrets),
  parsed_json: jsonOrNull(call.parsed, secrets),
  input_tokens: call.usage.inputTokens,
  output_tokens: call.usage.outputTokens,
  cost_usd: call.usage.costUsd,
  latency_ms: Math.round(call.latencyMs),
  attempts: call.attempts,
  error_json: jsonOrNull(call.error, secrets),
  started_at: call.startedAt,
  ended_at: call.endedAt,
  inner_run_id: call.innerRunId ?? null,
  layer: call.layer ?? null
});

/** `stored` is the result as it is written: see runs/resultCalls.ts. */
export const runEndedUpdate = (
  ended: RunEnded,
  secrets: ReadonlyArray<string>,
  stored: unknown = ended.result
): Updateable<RunsTable> => {
  const { result } = ended;
  return {
    status: ended.status,
    synthesis: redactNullable(result.synthesis?.text ?? null, secrets),
    confidence: result.synthesis?.confidence ?? null,
    // rounds begun, like callEnded and the sweep count them: a round cut short still shows in `show`
    iterations: Math.max(result.iterations.length, result.unfinished?.index ?? 0),
    input_tokens: result.usage.inputTokens,
    output_tokens: result.usage.outputTokens,
    cost_usd: result.usage.costUsd,
    cost_complete: result.usage.costComplete,
    ended_at: result.endedAt,
    duration_ms: Math.round(result.durationMs),
    error: redactNullable(result.error, secrets),
    result_json: json(stored, secrets)
  };
};

export type SummaryRow = Pick<
  Selectable<RunsTable>,
  | "id"
  | "consortium"
  | "status"
  | "started_at"
  | "ended_at"
  | "duration_ms"
  | "iterations"
  | "confidence"
  | "input_tokens"
  | "output_tokens"
  | "cost_usd"
  | "cost_complete"
  | "origin"
  | "outer_run_id"
> & { readonly prompt_head: string };

/** A run's cost as read: a running or swept run's is the database's sum of its calls, which carries float noise. */
const runCost = (usd: number | null): number | null => (usd === null ? null : roundUsd(usd));

export const toRunSummary = (row: SummaryRow): RunSummary => ({
  id: row.id,
  consortium: row.consortium,
  status: row.status,
  promptHead: row.prompt_head,
  startedAt: row.started_at,
  endedAt: row.ended_at,
  durationMs: row.duration_ms,
  iterations: row.iterations,
  confidence: row.confidence,
  inputTokens: row.input_tokens,
  outputTokens: row.output_tokens,
  costUsd: runCost(row.cost_usd),
  costComplete: nullableFlag(row.cost_complete),
  origin: row.origin,
  outerRunId: row.outer_run_id
});

export const toStoredCall = (row: Selectable<CallsTable>): StoredCall => ({
  id: row.id,
  runId: row.run_id,
  iteration: row.iteration,
  role: row.role,
  provider: row.provider,
  model: row.model,
  instance: row.instance,
  request: parseJson(row.request_json),
  text: row.answer,
  parsed: parseJson(row.parsed_json),
  inputTokens: row.input_tokens,
  outputTokens: row.output_tokens,
  costUsd: row.cost_usd,
  latencyMs: row.latency_ms,
  attempts: row.attempts,
  error: parseJson(row.error_json) as StoredCall["error"],
  startedAt: row.started_at,
  endedAt: row.ended_at,
  innerRunId: row.inner_run_id,
  layer: row.layer
});

export type TurnRow = Pick<
  Selectable<RunsTable>,
  "id" | "parent_run_id" | "status" | "prompt" | "synthesis" | "started_at"
>;

export const toConversationTurn = (row: TurnRow): ConversationTurn => ({
  runId: row.id,
  parentRunId: row.parent_run_id,
  status: row.status,
  prompt: row.prompt,
  synthesis: row.synthesis,
  startedAt: row.started_at
});

export const toStoredRun = (
  row: Selectable<RunsTable> & { readonly config_json: string | null },
  calls: ReadonlyArray<Selectable<CallsTable>>,
  turns: ReadonlyArray<TurnRow> = []
): StoredRun => ({
  id: row.id,
  consortium: row.consortium,
  status: row.status,
  prompt: row.prompt,
  config: parseJson(row.config_json),
  configHash: row.config_hash,
  sourceFile: row.source_file,
  gitCommit: row.git_commit,
  gitDirty: nullableFlag(row.git_dirty),
  synthesis: row.synthesis,
  confidence: row.confidence,
  iterations: row.iterations,
  inputTokens: row.input_tokens,
  outputTokens: row.output_tokens,
  costUsd: runCost(row.cost_usd),
  costComplete: nullableFlag(row.cost_complete),
  startedAt: row.started_at,
  endedAt: row.ended_at,
  durationMs: row.duration_ms,
  error: row.error,
  result: joinResult(parseJson(row.result_json), calls) as StoredRun["result"],
  pid: row.pid,
  hostname: row.hostname,
  conversationId: row.conversation_id ?? row.id,
  parentRunId: row.parent_run_id,
  origin: row.origin,
  outerRunId: row.outer_run_id,
  conversation: turns.map(toConversationTurn),
  calls: calls.map(toStoredCall)
});

export const evalStartedRow = (
  started: EvalStartRecord,
  writer: Writer,
  git: GitInfo,
  secrets: ReadonlyArray<string>
): Insertable<EvalsTable> => ({
  id: started.evalId,
  suite: started.suite,
  source_file: started.sourceFile,
  git_commit: git.commit,
  git_dirty: git.dirty,
  config_json: json(started.config, secrets),
  status: "running",
  started_at: started.startedAt,
  pid: writer.pid,
  hostname: writer.hostname
});

/** run_id is left out: the store links it only when that run exists (see Store.recordEvalResult). */
export const evalResultRow = (
  result: EvalResultRecord,
  secrets: ReadonlyArray<string>
): Omit<Selectable<EvalResultsTable>, "id" | "run_id"> => ({
  eval_id: result.evalId,
  case_id: result.caseId,
  target: result.target,
  passed: result.passed,
  status: result.status,
  output: redactNullable(result.output, secrets),
  assertions_json: json(result.assertions, secrets),
  latency_ms: result.latencyMs === null ? null : Math.round(result.latencyMs),
  input_tokens: result.inputTokens,
  output_tokens: result.outputTokens,
  confidence: result.confidence,
  cost_usd: result.costUsd,
  error: redactNullable(result.error, secrets),
  recorded_at: result.recordedAt
});

/** Shard 1 of 1 unless the record names one. */
export const shardOf = (record: EvalStartRecord | EvalEndRecord): { readonly index: number; readonly count: number } =>
  record.shard ?? { index: 1, count: 1 };

export const evalShardStartedRow = (
  started: EvalStartRecord,
  writer: Writer,
  leaseUntil: string
): Insertable<EvalShardsTable> => ({
  eval_id: started.evalId,
  shard_index: shardOf(started).index,
  shard_count: shardOf(started).count,
  status: "running",
  pid: writer.pid,
  hostname: writer.hostname,
  lease_until: leaseUntil,
  started_at: started.startedAt
});

export const evalShardEndedRow = (
  ended: EvalEndRecord,
  writer: Writer,
  secrets: ReadonlyArray<string>
): Insertable<EvalShardsTable> => ({
  eval_id: ended.evalId,
  shard_index: shardOf(ended).index,
  shard_count: shardOf(ended).count,
  status: ended.status,
  pid: writer.pid,
  hostname: writer.hostname,
  // only used when the shard's start was never recorded
  started_at: ended.endedAt,
  ended_at: ended.endedAt,
  summary_json: jsonOrNull(ended.summary, secrets)
});

export const toStoredEvalResult = (row: Selectable<EvalResultsTable>): StoredEvalResult => ({
  id: row.id,
  caseId: row.case_id,
  target: row.target,
  runId: row.run_id,
  passed: flag(row.passed),
  status: row.status,
  output: row.output,
  assertions: parseJson(row.assertions_json),
  latencyMs: row.latency_ms,
  inputTokens: row.input_tokens,
  outputTokens: row.output_tokens,
  confidence: row.confidence,
  costUsd: row.cost_usd,
  error: row.error,
  recordedAt: row.recorded_at
});

const toStoredEvalShard = (row: Selectable<EvalShardsTable>): StoredEvalShard => ({
  index: row.shard_index,
  count: row.shard_count,
  status: row.status,
  pid: row.pid,
  hostname: row.hostname,
  startedAt: row.started_at,
  endedAt: row.ended_at
});

export const toStoredEval = (
  row: Selectable<EvalsTable>,
  results: ReadonlyArray<Selectable<EvalResultsTable>>,
  shards: ReadonlyArray<Selectable<EvalShardsTable>>,
  missingShards: ReadonlyArray<number>
): StoredEval => ({
  id: row.id,
  suite: row.suite,
  status: row.status,
  sourceFile: row.source_file,
  gitCommit: row.git_commit,
  gitDirty: nullableFlag(row.git_dirty),
  config: parseJson(row.config_json),
  summary: joinReport(parseJson(row.summary_json), results),
  startedAt: row.started_at,
  endedAt: row.ended_at,
  pid: row.pid,
  hostname: row.hostname,
  results: results.map(toStoredEvalResult),
  shards: shards.map(toStoredEvalShard),
  missingShards
});

export type EvalSummaryRow = Pick<Selectable<EvalsTable>, "id" | "suite" | "status" | "started_at" | "ended_at"> & {
  readonly results: number;
  readonly passed: number | null;
};

export const toEvalSummary = (row: EvalSummaryRow): EvalSummary => ({
  id: row.id,
  suite: row.suite,
  status: row.status,
  startedAt: row.started_at,
  endedAt: row.ended_at,
  results: row.results,
  passed: row.passed ?? 0
});
