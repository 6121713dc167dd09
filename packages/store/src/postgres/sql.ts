import { sql } from "kysely";
import type { DialectSql } from "../Db.js";
import { likeContains } from "../like.js";
import type { ColumnTypes } from "../migrations.js";
import { openCallRoles } from "./openCallRoles.js";

// The SQL that is PostgreSQL's own, for the repositories (see Db.ts) and the migrations.

export const postgresSql: DialectSql = {
  greatest: (column, value) => sql<number>`greatest(${sql.ref(column)}, ${value})`,
  // Text order follows the database's collation, not bytes, so a range bound is not safe here.
  startsWith: (column, prefix) => sql<boolean>`starts_with(${sql.ref(column)}, ${prefix})`,
  // ILIKE: PostgreSQL's LIKE minds case, SQLite's does not, and the viewer's filter should not
  containsText: (column, text) => sql<boolean>`${sql.ref(column)} ilike ${likeContains(text)} escape '\\'`
};

export const postgresColumnTypes: ColumnTypes = {
  jsonKeepsKeyOrder: false,
  json: "jsonb",
  time: "timestamptz",
  real: "double precision",
  serial: "serial",
  flag: "boolean",
  flagCheck: (_column, c) => c,
  openCallRoles,
  // ILIKE scans, which PostgreSQL does quickly; a trigram index there needs the pg_trgm extension,
  // which the owner of a store may not be allowed to create
  promptSearch: { up: async () => {} }
};
