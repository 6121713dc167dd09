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

/** SQLite has no boolean: flags are 0 / 1 (and better-sqlite3 refuses to bind a boolean). */
const asSqlite = (value: unknown): unknown =>
  typeof value === "boolean" ? Number(value) : value === undefined ? null : value;

const insertRowFor = (
  write: Extract<BatchedWrite, { readonly insert: unknown }>,
  columns: ReadonlyArray<string>
): string => {
  const names = [...columns, ...(write.linkRun === undefined ? [] : ["run_id"])];
  const values = [
    ...columns.map(() => "?"),
    ...(write.linkRun === undefined ? [] : ["(select id from runs where id = ?)"])
  ];
  const ignore = write.unlessExists === undefined ? "" : ` on conflict (${write.unlessExists}) do nothing`;
  return `insert into ${write.insert} (${names.join(", ")}) values (${values.join(", ")})${ignore}`;
};

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
    if ("insert" in write) {
      const columns = Object.keys(write.row);
      const values = columns.map((column) => asSqlite(write.row[column]));
      if (write.linkRun !== undefined) values.push(write.linkRun ?? "");
      statement(insertRowFor(write, columns)).run(...values);
      return;
    }
    if ("endRun" in write) {
      const columns = Object.keys(write.set);
      const values = columns.map((column) => asSqlite(write.set[column]));
      const text = `update runs set ${columns.map((column) => `${column} = ?`).join(", ")} where id = ?`;
      const { changes } = statement(text).run(...values, write.endRun);
      if (changes === 0) throw unchanged(write.mustChange);
      return;
    }
    const call = write.call;
    insertCall ??= sqlite.prepare(insertFor(Object.keys(call)));
    insertCall.run(call);
    const sum = totals.get(call.run_id);
    if (sum === undefined) {
      totals.set(call.run_id, { input: call.input_tokens, output: call.output_tokens, iteration: call.iteration });
    } else {
      sum.input += call.input_tokens;
      sum.output += call.output_tokens;
      sum.iteration = Math.max(sum.iteration, call.iteration);
    }
  };
  // A run's calls in one batch add to its totals once, at the end of the transaction: nothing outside
  // it sees the difference, and a run ended in the same batch keeps the totals of its ending either way
  // (the update only touches a run still running).
  const totals = new Map<string, { input: number; output: number; iteration: number }>();
  let inTransaction: BetterSqlite3.Transaction<(writes: ReadonlyArray<BatchedWrite>) => void> | undefined;
  return (writes) => {
    inTransaction ??= sqlite.transaction((all: ReadonlyArray<BatchedWrite>) => {
      totals.clear();
      for (const write of all) writeOne(write);
      if (totals.size === 0) return;
      addToTotals ??= sqlite.prepare(ADD_TO_TOTALS);
      for (const [runId, sum] of totals) addToTotals.run(sum.input, sum.output, sum.iteration, runId);
    });
    inTransaction.immediate(writes);
  };
};
