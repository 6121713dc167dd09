import { type Kysely, type Migration, sql } from "kysely";
import type { Db } from "../Db.js";
import { likeContains } from "../like.js";

// Finding runs by a piece of their prompt without reading every run. A LIKE '%…%' cannot use an
// index, so a rare piece of text meant a scan of the whole runs table. An FTS5 trigram index over the
// prompts (kept up to date by triggers) finds the few runs containing it directly. It is slow for the
// opposite case, text most runs contain, where walking the runs newest first fills a page at once: so
// the index is asked first how many runs match, up to a cap, and only a short answer is used.

const TABLE = "runs_prompt_search";

/** More matches than this, and walking the runs newest first is the faster way to a page. */
const FEW_MATCHES = 2000;

/** The trigram index only helps with three characters or more. */
const searchable = (text: string): boolean => [...text].length >= 3;

export const promptSearch: Migration = {
  async up(db: Kysely<unknown>) {
    await sql`create virtual table ${sql.raw(TABLE)} using fts5(prompt, content='runs', content_rowid='rowid', tokenize='trigram', columnsize=0)`.execute(
      db
    );
    await sql`create trigger runs_prompt_search_insert after insert on runs begin
      insert into ${sql.raw(TABLE)} (rowid, prompt) values (new.rowid, new.prompt); end`.execute(db);
    await sql`create trigger runs_prompt_search_delete after delete on runs begin
      insert into ${sql.raw(TABLE)} (${sql.raw(TABLE)}, rowid, prompt) values ('delete', old.rowid, old.prompt); end`.execute(
      db
    );
    await sql`create trigger runs_prompt_search_update after update of prompt on runs begin
      insert into ${sql.raw(TABLE)} (${sql.raw(TABLE)}, rowid, prompt) values ('delete', old.rowid, old.prompt);
      insert into ${sql.raw(TABLE)} (rowid, prompt) values (new.rowid, new.prompt); end`.execute(db);
    await sql`insert into ${sql.raw(TABLE)} (${sql.raw(TABLE)}) values ('rebuild')`.execute(db);
  },
  async down(db: Kysely<unknown>) {
    for (const trigger of ["insert", "delete", "update"]) {
      await sql`drop trigger if exists ${sql.raw(`runs_prompt_search_${trigger}`)}`.execute(db);
    }
    await sql`drop table if exists ${sql.raw(TABLE)}`.execute(db);
  }
};

/**
 * The runs whose prompt contains `text` (ASCII case ignored; `%` and `_` mean themselves), through the
 * trigram index when few runs match. The index's LIKE knows no ESCAPE, so there `%` and `_` are
 * wildcards and it may return more runs than match: the exact LIKE on the prompt keeps only those.
 */
export const sqlitePromptCondition = async (db: Db, text: string) => {
  const exact = sql<boolean>`prompt like ${likeContains(text)} escape '\\'`;
  if (!searchable(text)) return exact;
  const pattern = `%${text}%`;
  const counted = await sql<{ n: number }>`select count(*) as n from (select rowid from ${sql.raw(TABLE)}
    where prompt like ${pattern} limit ${FEW_MATCHES})`.execute(db);
  if ((counted.rows[0]?.n ?? FEW_MATCHES) >= FEW_MATCHES) return exact;
  return sql<boolean>`(runs.rowid in (select rowid from ${sql.raw(TABLE)} where prompt like ${pattern}) and ${exact})`;
};
