import { sql } from "kysely";
import type { Db } from "./Db.js";
import { type EndMark, forgetEndMark, readEndMark, removeDeadSpares } from "./endMarks.js";
import { finishEvalIfComplete } from "./evals/finishEval.js";
import { callsCost, callsCostComplete } from "./runs/callsCost.js";

// A run (or an eval's shard) still marked `running` whose writer is gone was cut short: a crash, a
// SIGKILL, a closed laptop lid, a CI runner torn down. Say so, rather than leaving it `running`
// forever. On the writer's own host the process table tells. From another host a pid means nothing:
// there a row is abandoned only once its writer stopped renewing its lease and the lease ran out, so
// a live run on another machine is never touched.

export interface Unfinished {
  readonly id: string;
  readonly pid: number;
}

export interface Sweeper {
  readonly hostname: string;
  readonly isAlive: (pid: number) => boolean;
  /** ISO-8601 */
  readonly now: string;
}

interface Leased {
  readonly pid: number;
  readonly hostname: string;
  readonly lease_until: string | null;
}

const elapsedMs = (from: string, to: string): number => Math.round(Date.parse(to) - Date.parse(from));

/** Which of these unfinished rows belong to processes that no longer exist. */
export const abandoned = <Row extends Unfinished>(
  rows: ReadonlyArray<Row>,
  isAlive: (pid: number) => boolean
): ReadonlyArray<Row> => rows.filter((row) => !isAlive(row.pid));

/** Whether the writer of `row` is gone, as far as `sweeper` can tell. */
export const isAbandoned = (row: Leased, sweeper: Sweeper): boolean =>
  row.hostname === sweeper.hostname
    ? !sweeper.isAlive(row.pid)
    : row.lease_until !== null && Date.parse(row.lease_until) < Date.parse(sweeper.now);

const abandonedMessage = (row: Leased, sweeper: Sweeper): string =>
  row.hostname === sweeper.hostname
    ? `interrupted: the process that wrote this (pid ${row.pid} on ${row.hostname}) ended before it did`
    : `interrupted: the process that wrote this (pid ${row.pid} on ${row.hostname}) stopped renewing its lease, which ran out at ${row.lease_until}`;

const unrecordedMessage = (row: Leased, endedAt: string): string =>
  `not recorded: the process that wrote this (pid ${row.pid} on ${row.hostname}) ended normally at ${endedAt} ` +
  "but could not write its ending (a full disk, a file-size limit): its answer was delivered, this record is incomplete";

export interface SweptEnding {
  /** ISO-8601: when the run ended, if its end mark says so, else the sweep's time. */
  readonly endedAt: string;
  readonly error: string;
  readonly mark: EndMark | undefined;
}

/**
 * How the sweep ends this row, still `running`, when its writer is gone; undefined while it lives.
 * Reading commands show a row so even when no sweep could write it (the disk full, a read-only
 * database): a process that is gone is never shown as running.
 */
export const sweptEnding = (
  row: Leased & { readonly id: string },
  sweeper: Sweeper,
  dbPath: string
): SweptEnding | undefined => {
  if (!isAbandoned(row, sweeper)) return undefined;
  const mark = readEndMark(dbPath, row.id);
  if (mark?.kind === "unrecorded") return { endedAt: mark.endedAt, error: unrecordedMessage(row, mark.endedAt), mark };
  return { endedAt: sweeper.now, error: abandonedMessage(row, sweeper), mark };
};

export const sweptDurationMs = elapsedMs;

// One statement per row, guarded by `status = 'running'`: if the writer ends the run between our read
// and this update, its own ending wins.
const interruptRun = async (
  db: Db,
  run: { readonly id: string; readonly started_at: string },
  endedAt: string,
  error: string
): Promise<number> => {
  const result = await db
    .updateTable("runs")
    .set({
      status: "interrupted",
      ended_at: endedAt,
      duration_ms: elapsedMs(run.started_at, endedAt),
      error,
      // The finished calls are all there; make the totals agree with them.
      input_tokens: sql<number>`(select coalesce(sum(input_tokens), 0) from calls where run_id = runs.id)`,
      output_tokens: sql<number>`(select coalesce(sum(output_tokens), 0) from calls where run_id = runs.id)`,
      iterations: sql<number>`(select coalesce(max(iteration), 0) from calls where run_id = runs.id)`,
      // null (not 0) when no finished call was priced; incomplete when one that used tokens was not
      cost_usd: callsCost,
      cost_complete: callsCostComplete
    })
    .where("id", "=", run.id)
    .where("status", "=", "running")
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
};

/**
 * Marks these runs `interrupted` with `error` where they are still `running`: runs whose writer in
 * this process was lost (a server's run thread that died) while the process, which the sweep asks
 * about, lives on. Returns how many rows it changed.
 */
export const interruptRuns = async (
  db: Db,
  runIds: ReadonlyArray<string>,
  error: string,
  now: string
): Promise<number> => {
  if (runIds.length === 0) return 0;
  const runs = await db
    .selectFrom("runs")
    .select(["id", "started_at"])
    .where("id", "in", runIds)
    .where("status", "=", "running")
    .execute();
  let changed = 0;
  for (const run of runs) changed += await interruptRun(db, run, now, error);
  return changed;
};

/** Marks abandoned runs and eval shards `interrupted`; returns how many rows it changed. */
export const sweepAbandoned = async (
  db: Db,
  hostname: string,
  isAlive: (pid: number) => boolean,
  now: string,
  dbPath = ""
): Promise<number> => {
  const sweeper: Sweeper = { hostname, isAlive, now };
  removeDeadSpares(dbPath, hostname, isAlive);
  const runs = await db
    .selectFrom("runs")
    .select(["id", "pid", "hostname", "lease_until", "started_at"])
    .where("status", "=", "running")
    .execute();
  const shards = (
    await db
      .selectFrom("eval_shards")
      .select(["eval_id", "shard_index", "pid", "hostname", "lease_until"])
      .where("status", "=", "running")
      .execute()
  ).filter((row) => isAbandoned(row, sweeper));
  let changed = 0;
  for (const run of runs) {
    const ending = sweptEnding(run, sweeper, dbPath);
    if (ending === undefined) continue;
    changed += await interruptRun(db, run, ending.endedAt, ending.error);
    if (ending.mark !== undefined) forgetEndMark(dbPath, run.id, ending.mark);
  }
  for (const shard of shards) {
    const updated = await db.transaction().execute(async (trx) => {
      const result = await trx
        .updateTable("eval_shards")
        .set({ status: "interrupted", ended_at: now })
        .where("eval_id", "=", shard.eval_id)
        .where("shard_index", "=", shard.shard_index)
        .where("status", "=", "running")
        .executeTakeFirst();
      if (result.numUpdatedRows > 0n) await finishEvalIfComplete(trx, shard.eval_id);
      return Number(result.numUpdatedRows);
    });
    changed += updated;
  }
  return changed;
};
