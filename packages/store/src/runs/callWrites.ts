import type { Insertable } from "kysely";
import type { CallsTable } from "../Database.js";
import type { Db, DialectSql } from "../Db.js";

// What one finished model call writes: its row, and its tokens added to its run's running totals
// (a run still `running`; an ended run already holds its final totals). Many calls at once, in one
// transaction: see batch.ts.

export type CallRow = Insertable<CallsTable>;

/** Commits `rows` in one transaction, or none of them. */
export type CommitCalls = (rows: ReadonlyArray<CallRow>) => void | Promise<void>;

/** The dialect-neutral way, through kysely; a backend may supply a faster one (see Db.ts). */
export const commitCallsWith =
  (db: Db, dialect: DialectSql): CommitCalls =>
  (rows) =>
    db.transaction().execute(async (trx) => {
      await trx
        .insertInto("calls")
        .values([...rows])
        .execute();
      for (const row of rows) {
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
