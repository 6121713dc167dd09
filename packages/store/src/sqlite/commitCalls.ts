import type BetterSqlite3 from "better-sqlite3";
import type { CallRow, CommitCalls } from "../runs/callWrites.js";

// The per-call writes straight through better-sqlite3: two statements prepared once and run in one
// `begin immediate` transaction per batch. Through kysely, each call compiled and prepared its
// statements anew and paid a promise per statement: most of the store's CPU in an eval.

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

const INSERT = `insert into calls (${COLUMNS.join(", ")}) values (${COLUMNS.map((column) => `@${column}`).join(", ")})`;

const ADD_TO_TOTALS = `update runs set input_tokens = input_tokens + @input_tokens,
  output_tokens = output_tokens + @output_tokens, iterations = max(iterations, @iteration)
  where id = @run_id and status = 'running'`;

/** Statements are prepared on the first commit, once migrations have made the tables. */
export const sqliteCommitCalls = (sqlite: BetterSqlite3.Database): CommitCalls => {
  let commit: ((rows: ReadonlyArray<CallRow>) => void) | undefined;
  const prepare = () => {
    const insert = sqlite.prepare(INSERT);
    const addToTotals = sqlite.prepare(ADD_TO_TOTALS);
    const inTransaction = sqlite.transaction((rows: ReadonlyArray<CallRow>) => {
      for (const row of rows) {
        const values = Object.fromEntries(COLUMNS.map((column) => [column, row[column] ?? null]));
        insert.run(values);
        addToTotals.run(values);
      }
    });
    return (rows: ReadonlyArray<CallRow>) => inTransaction.immediate(rows);
  };
  return (rows) => {
    commit ??= prepare();
    commit(rows);
  };
};
