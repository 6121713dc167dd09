import type { Expression, Kysely, RawBuilder, SqlBool } from "kysely";
import type { Database } from "./Database.js";
import type { CommitWrites } from "./runs/callWrites.js";

// What the repositories write through: a kysely handle on the tables, plus the few expressions whose
// SQL differs between backends. Everything else they write is plain kysely that every dialect speaks.
// A backend (see sqlite/) supplies all of this; the repositories never name one.

export type Db = Kysely<Database>;

export interface DialectSql {
  /** The larger of an integer column and a value (SQLite's scalar max(), PostgreSQL's greatest()). */
  readonly greatest: (column: string, value: number) => RawBuilder<number>;
  /**
   * `column` starts with `prefix`, as a condition that can use the column's index and where `%` and
   * `_` mean themselves.
   */
  readonly startsWith: (column: string, prefix: string) => Expression<SqlBool>;
  /** `column` contains `text`, ignoring case (at least for ASCII), `%` and `_` meaning themselves. */
  readonly containsText: (column: string, text: string) => Expression<SqlBool>;
  /**
   * The same for runs.prompt, when the backend has a faster way than `containsText` (SQLite: a trigram
   * index, see sqlite/promptSearch.ts); it may look at the data first to choose.
   */
  readonly promptContains?: (db: Db, text: string) => Promise<Expression<SqlBool>>;
}

export interface Backend {
  readonly db: Db;
  /** Where the data lives, as the user named it (a file path, ":memory:", or a URL without its password). */
  readonly location: string;
  readonly sql: DialectSql;
  /**
   * The batched writes, many in one transaction, when the backend has a faster way than
   * runs/callWrites.ts's kysely one (SQLite: prepared statements, see sqlite/commitCalls.ts).
   */
  readonly commitWrites?: CommitWrites;
}
