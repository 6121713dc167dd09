import { sql } from "kysely";
import type { DialectSql } from "../Db.js";
import { likeContains } from "../like.js";
import type { ColumnTypes } from "../migrations.js";
import { openCallRoles } from "./openCallRoles.js";
import { promptSearch, sqlitePromptCondition } from "./promptSearch.js";

// The SQL that is SQLite's own, for the repositories (see Db.ts) and the migrations.

export const sqliteSql: DialectSql = {
  greatest: (column, value) => sql<number>`max(${sql.ref(column)}, ${value})`,
  // A range rather than LIKE: uses the index, and `%` or `_` mean themselves. SQLite compares text
  // byte by byte, so this bound sorts after every string that starts with the prefix.
  startsWith: (column, prefix) =>
    sql<boolean>`(${sql.ref(column)} >= ${prefix} and ${sql.ref(column)} < ${`${prefix}\u{10FFFF}`})`,
  // SQLite's LIKE ignores the case of ASCII letters
  containsText: (column, text) => sql<boolean>`${sql.ref(column)} like ${likeContains(text)} escape '\\'`,
  promptContains: sqlitePromptCondition
};

export const sqliteColumnTypes: ColumnTypes = {
  jsonKeepsKeyOrder: true,
  json: "text",
  time: "text",
  real: "real",
  serial: "integer",
  flag: "integer",
  flagCheck: (column, c) => c.check(sql`${sql.ref(column)} in (0, 1)`),
  openCallRoles,
  promptSearch
};
