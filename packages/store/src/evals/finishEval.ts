import { asEvalReport, type EvalReport, mergeReports, outcomeOf } from "@consortium/eval/records";
import { Either } from "effect";
import type { Selectable } from "kysely";
import type { EvalShardsTable, StoredEvalStatus } from "../Database.js";
import type { Db } from "../Db.js";
import { parseJson } from "../rows.js";
import { factorReport } from "./reportResults.js";

// An eval run as N shard processes (one per CI job, say) is one eval: it ends when its last shard
// ends, and only then does it get a status and a report, those of all its shards together (a pass
// rate belongs to the whole suite, not to a shard).

type Shard = Selectable<EvalShardsTable>;
type Ended = Exclude<StoredEvalStatus, "running">;

const shardName = (shard: Shard): string => `shard ${shard.shard_index}/${shard.shard_count}`;

/** What the eval as a whole says once every shard has ended. */
export const combineShards = (
  shards: ReadonlyArray<Shard>,
  soleReport?: string | null
): { readonly status: Ended; readonly summary: string | null } => {
  const [only] = shards;
  if (shards.length === 1 && only !== undefined) {
    const summary = soleReport === undefined ? only.summary_json : soleReport;
    return { status: only.status === "running" ? "interrupted" : only.status, summary };
  }
  const statuses = shards.map((shard) => shard.status);
  // A shard that could not be trusted, or was cut short, makes the whole eval so.
  const worst = statuses.includes("error") ? "error" : statuses.includes("interrupted") ? "interrupted" : undefined;
  const reports = shards.map((shard) => ({
    name: shardName(shard),
    report: asEvalReport(parseJson(shard.summary_json))
  }));
  const complete = reports.every((named) => named.report !== undefined);
  const merged = complete
    ? mergeReports(reports as ReadonlyArray<{ readonly name: string; readonly report: EvalReport }>)
    : Either.left("a shard left no report");
  if (Either.isRight(merged)) {
    return { status: worst ?? outcomeOf(merged.right), summary: JSON.stringify(merged.right) };
  }
  return { status: worst ?? (statuses.includes("failed") ? "failed" : "passed"), summary: null };
};

/** Which of the eval's shards have not started here yet, by index. */
export const missingShards = (
  shards: ReadonlyArray<Pick<Shard, "shard_index" | "shard_count">>
): ReadonlyArray<number> => {
  const count = Math.max(0, ...shards.map((shard) => shard.shard_count));
  const present = new Set(shards.map((shard) => shard.shard_index));
  return Array.from({ length: count }, (_, index) => index + 1).filter((index) => !present.has(index));
};

/**
 * What an eval no other shard can join says once its own shards have ended: its shards' report, and
 * `error` (a pass rate of part of the suite says nothing of the whole, which will never be run under
 * this id; `getEval` names the shards missing) unless a shard was cut short.
 */
const endedAlone = (shards: ReadonlyArray<Shard>): { readonly status: Ended; readonly summary: string | null } => {
  const statuses = shards.map((shard) => shard.status);
  const status = statuses.includes("interrupted") ? "interrupted" : "error";
  return { status, summary: shards.length === 1 ? (shards[0]?.summary_json ?? null) : null };
};

const referToResults = async (db: Db, evalId: string, report: string): Promise<string> => {
  const rows = await db
    .selectFrom("eval_results")
    .select([
      "case_id",
      "target",
      "passed",
      "status",
      "output",
      "assertions_json",
      "latency_ms",
      "input_tokens",
      "output_tokens",
      "confidence",
      "cost_usd",
      "error"
    ])
    .where("eval_id", "=", evalId)
    .orderBy("id")
    .execute();
  return JSON.stringify(factorReport(JSON.parse(report), rows));
};

/** Whether other shards may still join: false for an eval whose id its only shard made up. */
const joinable = async (db: Db, evalId: string): Promise<boolean> => {
  const row = await db.selectFrom("evals").select("config_json").where("id", "=", evalId).executeTakeFirst();
  const config = parseJson(row?.config_json ?? null) as { readonly joinable?: unknown } | null;
  return config?.joinable !== false;
};

/**
 * Ends the eval when every one of its shards has ended; otherwise leaves it running, unless no other
 * shard can ever join it (see `endedAlone`). `soleReport`: the report of an eval run as one shard,
 * which is kept on the eval only, not on its shard too.
 */
export const finishEvalIfComplete = async (db: Db, evalId: string, soleReport?: string | null): Promise<void> => {
  const shards = await db
    .selectFrom("eval_shards")
    .selectAll()
    .where("eval_id", "=", evalId)
    .orderBy("shard_index")
    .execute();
  if (shards.length === 0 || shards.some((shard) => shard.status === "running")) return;
  const missing = missingShards(shards).length > 0;
  if (missing && (await joinable(db, evalId))) return;
  const { status, summary: combined } = missing ? endedAlone(shards) : combineShards(shards, soleReport);
  // A report merged from shards refers to its case results' rows as an eval run whole does (where the
  // backend keeps JSON keys in order: from jsonb the shards' reports come back reordered, and a result
  // is referred to only when its row gives back the same text, so there it stays whole).
  const summary = combined === null || shards.length === 1 ? combined : await referToResults(db, evalId, combined);
  const endedAt = shards
    .map((shard) => shard.ended_at)
    .filter((time): time is string => time !== null)
    .sort()
    .at(-1);
  await db
    .updateTable("evals")
    .set({ status, summary_json: summary, ended_at: endedAt ?? null })
    .where("id", "=", evalId)
    .execute();
};
