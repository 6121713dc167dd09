import type { CompiledQuery, Selectable } from "kysely";
import type { CallsTable } from "../Database.js";
import type { Db, DialectSql } from "../Db.js";

// The writes that share a transaction with whatever else reaches the store in the same burst (see
// batch.ts): a finished model call (its row, and its tokens added to its run's running totals while
// the run is still `running`), or any other statement compiled for the backend (a run starting or
// ending, an eval's case result). Many writes, one transaction; one bad write fails alone.

/** Every column of a call's row but the id the database numbers. */
export type CallRow = Omit<Selectable<CallsTable>, "id">;

export type BatchedWrite =
  | { readonly call: CallRow }
  | {
      readonly query: CompiledQuery;
      /** When set, the write fails with this reason if the statement changed no row. */
      readonly mustChange?: string;
    };

/** Commits `writes` in one transaction, in order, or none of them. */
export type CommitWrites = (writes: ReadonlyArray<BatchedWrite>) => void | Promise<void>;

/** Thrown inside the transaction (rolling it back) when a `mustChange` write changed nothing. */
export const unchanged = (reason: string): Error => new Error(reason);

/** The dialect-neutral way, through kysely; a backend may supply a faster one (see Db.ts). */
export const commitWritesWith =
  (db: Db, dialect: DialectSql): CommitWrites =>
  (writes) =>
    db.transaction().execute(async (trx) => {
      for (const write of writes) {
        if ("query" in write) {
          const result = await trx.executeQuery(write.query);
          if (write.mustChange !== undefined && (result.numAffectedRows ?? 0n) === 0n) {
            throw unchanged(write.mustChange);
          }
          continue;
        }
        const row = write.call;
        await trx.insertInto("calls").values(row).execute();
        await trx
          .updateTable("runs")
          .set((eb) => ({
            input_tokens: eb("input_tokens", "+", row.input_tokens),
            output_tokens: eb("output_tokens", "+", row.output_tokens),
            iterations: dialect.greatest("iterations", row.iteration)
          }))
          .where("id", "=", row.run_id)
          .where("status", "=", "running")
          .execute();
      }
    });
