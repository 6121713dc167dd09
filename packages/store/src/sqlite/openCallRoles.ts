import { type Kysely, type Migration, sql } from "kysely";

// The first schema allowed only the roles 'member' and 'arbiter' in calls.role, so a judging method
// with calls of its own (a reviewer, a judge) could not be recorded. SQLite cannot change a CHECK in
// place: the table is rebuilt with the same columns, in the same order, keeping every row. The column
// now only asks for a lowercase name; which names exist is the engine's CallRole vocabulary, so a new
// role needs no migration.

export const openCallRoles: Migration = {
  async up(db: Kysely<unknown>) {
    await sql`create table calls_next (
      id integer primary key,
      run_id text not null references runs (id) on delete cascade,
      iteration integer not null,
      role text not null check (role glob '[a-z]*' and role not glob '*[^a-z_-]*'),
      provider text not null,
      model text not null,
      instance integer not null,
      request_json text not null,
      answer text,
      parsed_json text,
      input_tokens integer not null,
      output_tokens integer not null,
      latency_ms integer not null,
      attempts integer not null,
      error_json text,
      started_at text not null,
      ended_at text not null
    )`.execute(db);
    await sql`insert into calls_next select * from calls`.execute(db);
    await sql`drop table calls`.execute(db);
    await sql`alter table calls_next rename to calls`.execute(db);
    await db.schema.createIndex("calls_run_id").on("calls").columns(["run_id", "iteration"]).execute();
  }
};
