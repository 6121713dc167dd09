import type { Db } from "../Db.js";
import { EvalJoinRefused } from "../errors.js";
import { parseJson } from "../rows.js";
import type { EvalStartRecord } from "../types.js";

// Whether a shard may join the eval its id names. Shards of one CI matrix share an id and join one
// eval; a shard of another suite (a different file, or the same name with other targets, threshold
// or split) would mix two suites' results in one report, and a shard run under the id of an eval that
// has ended would reopen an outcome CI has already read ("passed 8/8" becoming "error 12/20").

interface Described {
  readonly targets?: unknown;
  readonly threshold?: unknown;
}

const describedBy = (config: unknown): Described =>
  typeof config === "object" && config !== null ? (config as Described) : {};

const list = (value: unknown): string => (Array.isArray(value) ? value.join(", ") : String(value));

/** The refusal, or undefined when the shard may start (a new eval, or one still running of this suite). */
export const joinRefusal = async (db: Db, started: EvalStartRecord): Promise<EvalJoinRefused | undefined> => {
  const existing = await db
    .selectFrom("evals")
    .select(["suite", "status", "config_json"])
    .where("id", "=", started.evalId)
    .executeTakeFirst();
  if (existing === undefined) return undefined;
  const refuse = (reason: string) => new EvalJoinRefused({ evalId: started.evalId, reason });
  if (existing.suite !== started.suite) {
    return refuse(`is of suite "${existing.suite}", not "${started.suite}": give each suite its own --eval-id`);
  }
  const before = describedBy(parseJson(existing.config_json));
  const now = describedBy(started.config);
  if (before.targets !== undefined && now.targets !== undefined && list(before.targets) !== list(now.targets)) {
    return refuse(
      `has targets ${list(before.targets)}, not ${list(now.targets)}: a shard of another suite cannot join it (give it its own --eval-id)`
    );
  }
  if (before.threshold !== undefined && now.threshold !== undefined && before.threshold !== now.threshold) {
    return refuse(
      `has threshold ${String(before.threshold)}, not ${String(now.threshold)}: a shard of another suite cannot join it (give it its own --eval-id)`
    );
  }
  if (existing.status !== "running") {
    return refuse(`has ended (${existing.status}): a shard cannot be added to it or run again; use a new --eval-id`);
  }
  const count = started.shard?.count ?? 1;
  const split = await db
    .selectFrom("eval_shards")
    .select("shard_count")
    .where("eval_id", "=", started.evalId)
    .executeTakeFirst();
  if (split !== undefined && split.shard_count !== count) {
    return refuse(
      `is split into ${split.shard_count} shards, not ${count}: every shard of it takes the same --shard i/${split.shard_count}`
    );
  }
  return undefined;
};
