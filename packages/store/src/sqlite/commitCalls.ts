import type BetterSqlite3 from "better-sqlite3";
import type { BatchedWrite, CallRow, CommitWrites } from "../runs/callWrites.js";
import { unchanged } from "../runs/callWrites.js";

// The batched writes straight through better-sqlite3, in one `begin immediate` transaction per batch:
// the two per-call statements prepared once, and every other statement prepared once per SQL text.
// Through kysely, each write compiled and prepared its statements anew, paid a promise per statement
// and a transaction of its own: most of the store's CPU in an eval.

const COLUMNS = [
  "run_id",
  "iteration",
  "role",
  "provider",
  "model",
  "instance",
  "request_json",
  "answer",
  "parsed_json",
  "input_tokens",
  "output_tokens",
  "cost_usd",
  "latency_ms",
  "attempts",
  "error_json",
  "started_at",
  "ended_at",
  "inner_run_id",
  "layer"
] as const satisfies ReadonlyArray<keyof CallRow>;

const INSERT = `insert into calls (${COLUMNS.join(", ")}) values (${COLUMNS.map(() => "?").join(", ")})`;

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
  const writeOne = (write: BatchedWrite): void => {
    if ("query" in write) {
      const { changes } = statement(write.query.sql).run(...write.query.parameters);
      if (write.mustChange !== undefined && changes === 0) throw unchanged(write.mustChange);
      return;
    }
    const row = write.call;
    statement(INSERT).run(...COLUMNS.map((column) => row[column] ?? null));
    statement(ADD_TO_TOTALS).run(row.input_tokens, row.output_tokens, row.iteration, row.run_id);
  };
  let inTransaction: BetterSqlite3.Transaction<(writes: ReadonlyArray<BatchedWrite>) => void> | undefined;
  return (writes) => {
    inTransaction ??= sqlite.transaction((all: ReadonlyArray<BatchedWrite>) => {
      for (const write of all) writeOne(write);
    });
    inTransaction.immediate(writes);
  };
};
