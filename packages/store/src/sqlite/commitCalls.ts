import type BetterSqlite3 from "better-sqlite3";
import type { BatchedWrite, CommitWrites } from "../runs/callWrites.js";
import { unchanged } from "../runs/callWrites.js";

// The batched writes straight through better-sqlite3, in one `begin immediate` transaction per batch:
// every statement (the two per call, and the compiled ones) prepared once per SQL text.
// Through kysely, each write compiled and prepared its statements anew, paid a promise per statement
// and a transaction of its own: most of the store's CPU in an eval.

/**
 * The row's own columns, bound by name, so a column added to the table and to `callRow` needs nothing
 * here. Every call row has the same columns: the statement is made from the first one.
 */
const insertFor = (columns: ReadonlyArray<string>): string =>
  `insert into calls (${columns.join(", ")}) values (${columns.map((column) => `@${column}`).join(", ")})`;

const ADD_TO_TOTALS = `update runs set input_tokens = input_tokens + ?, output_tokens = output_tokens + ?,
  iterations = max(iterations, ?) where id = ? and status = 'running'`;

/** Distinct statements kept prepared; the store issues a handful, so this bound is never reached. */
const MAX_CACHED = 64;

/** Statements are prepared on first use, once migrations have made the tables. */
export const sqliteCommitWrites = (sqlite: BetterSqlite3.Database): CommitWrites => {
  const cached = new Map<string, BetterSqlite3.Statement>();
  const statement = (text: string): BetterSqlite3.Statement => {
    let found = cached.get(text);
    if (found === undefined) {
      if (cached.size >= MAX_CACHED) cached.clear();
      found = sqlite.prepare(text);
      cached.set(text, found);
    }
    return found;
  };
  let insertCall: BetterSqlite3.Statement | undefined;
  let addToTotals: BetterSqlite3.Statement | undefined;
  const writeOne = (write: BatchedWrite): void => {
    if ("query" in write) {
      const { changes } = statement(write.query.sql).run(...write.query.parameters);
      if (write.mustChange !== undefined && changes === 0) throw unchanged(write.mustChange);
      return;
    }
    const call = write.call;
    insertCall ??= sqlite.prepare(insertFor(Object.keys(call)));
    insertCall.run(call);
    addToTotals ??= sqlite.prepare(ADD_TO_TOTALS);
    addToTotals.run(call.input_tokens, call.output_tokens, call.iteration, call.run_id);
  };
  let inTransaction: BetterSqlite3.Transaction<(writes: ReadonlyArray<BatchedWrite>) => void> | undefined;
  return (writes) => {
    inTransaction ??= sqlite.transaction((all: ReadonlyArray<BatchedWrite>) => {
      for (const write of all) writeOne(write);
    });
    inTransaction.immediate(writes);
  };
};
