import { sql } from "kysely";
import type { Db } from "./Db.js";

// A run (or eval) still marked `running` whose writer process is gone was cut short: a crash, a
// SIGKILL, a closed laptop lid. Say so, rather than leaving it `running` forever. Runs written on
// another host are left alone: their pid means nothing here.

export interface Unfinished {
  readonly id: string;
  readonly pid: number;
}

const elapsedMs = (from: string, to: string): number => Math.round(Date.parse(to) - Date.parse(from));

/** Which of these unfinished rows belong to processes that no longer exist. */
export const abandoned = <Row extends Unfinished>(
  rows: ReadonlyArray<Row>,
  isAlive: (pid: number) => boolean
): ReadonlyArray<Row> => rows.filter((row) => !isAlive(row.pid));

const abandonedMessage = (pid: number, hostname: string): string =>
  `interrupted: the process that wrote this (pid ${pid} on ${hostname}) ended before it did`;

/** Marks abandoned runs and evals `interrupted`; returns how many rows it changed. */
export const sweepAbandoned = async (
  db: Db,
  hostname: string,
  isAlive: (pid: number) => boolean,
  now: string
): Promise<number> => {
  const runs = abandoned(
    await db
      .selectFrom("runs")
      .select(["id", "pid", "started_at"])
      .where("status", "=", "running")
      .where("hostname", "=", hostname)
      .execute(),
    isAlive
  );
  const evals = abandoned(
    await db
      .selectFrom("evals")
      .select(["id", "pid"])
      .where("status", "=", "running")
      .where("hostname", "=", hostname)
      .execute(),
    isAlive
  );
  let changed = 0;
  // One statement per row, each guarded by `status = 'running'`: if the writer ends the run between
  // our read and this update, its own ending wins.
  for (const run of runs) {
    const result = await db
      .updateTable("runs")
      .set({
        status: "interrupted",
        ended_at: now,
        duration_ms: elapsedMs(run.started_at, now),
        error: abandonedMessage(run.pid, hostname),
        // The finished calls are all there; make the totals agree with them.
        input_tokens: sql<number>`(select coalesce(sum(input_tokens), 0) from calls where run_id = runs.id)`,
        output_tokens: sql<number>`(select coalesce(sum(output_tokens), 0) from calls where run_id = runs.id)`,
        iterations: sql<number>`(select coalesce(max(iteration), 0) from calls where run_id = runs.id)`
      })
      .where("id", "=", run.id)
      .where("status", "=", "running")
      .executeTakeFirst();
    changed += Number(result.numUpdatedRows);
  }
  for (const row of evals) {
    const result = await db
      .updateTable("evals")
      .set({ status: "interrupted", ended_at: now })
      .where("id", "=", row.id)
      .where("status", "=", "running")
      .executeTakeFirst();
    changed += Number(result.numUpdatedRows);
  }
  return changed;
};
