import type { CompiledQuery, Selectable } from "kysely";
import type { CallsTable } from "../Database.js";
import type { Db, DialectSql } from "../Db.js";

// The writes that share a transaction with whatever else reaches the store in the same burst (see
// batch.ts): a finished model call (its row, and its tokens added to its run's running totals while
// the run is still `running`), or any other statement compiled for the backend (a run starting or
// ending, an eval's case result). Many writes, one transaction; one bad write fails alone.

/** Every column of a call's row but the id the database numbers. */
export type CallRow = Omit<Selectable<CallsTable>, "id">;

/** Tables a batched row goes to (a run's start, its config, an eval's case result). */
export type RowTable = "runs" | "configs" | "eval_results";

export type BatchedWrite =
  | { readonly call: CallRow }
  | {
      /** A row inserted as is; a backend compiles the statement once per table and columns. */
      readonly insert: RowTable;
      readonly row: Readonly<Record<string, unknown>>;
      /** Left as it is when a row with this key is already there. */
      readonly unlessExists?: "key";
      /** eval_results: run_id is this run's id when that run is recorded here, else null. */
      readonly linkRun?: string | null;
    }
  | {
      /** A run's ending: `set` on the run with this id. */
      readonly endRun: string;
      readonly set: Readonly<Record<string, unknown>>;
      /** The write fails with this reason if no such run was there to change. */
      readonly mustChange: string;
    }
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
        if ("insert" in write) {
          const linked = write.linkRun;
          await trx
            .insertInto(write.insert)
            .values(
              (eb) =>
                ({
                  ...write.row,
                  ...(linked === undefined
                    ? {}
                    : {
                        run_id: eb
                          .selectFrom("runs")
                          .select("runs.id")
                          .where("runs.id", "=", linked ?? "")
                      })
                }) as never
            )
            .$if(write.unlessExists !== undefined, (q) => q.onConflict((oc) => oc.column("key").doNothing()))
            .execute();
          continue;
        }
        if ("endRun" in write) {
          const result = await trx
            .updateTable("runs")
            .set(write.set as never)
            .where("id", "=", write.endRun)
            .executeTakeFirst();
          if (result.numUpdatedRows === 0n) throw unchanged(write.mustChange);
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
