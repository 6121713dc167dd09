import { type Kysely, type Migration, sql } from "kysely";

// calls.role takes any lowercase name (the engine's CallRole vocabulary), as on SQLite; PostgreSQL
// changes a CHECK in place.

export const openCallRoles: Migration = {
  async up(db: Kysely<unknown>) {
    await sql`alter table calls drop constraint if exists calls_role_check`.execute(db);
    await sql`alter table calls add constraint calls_role_check check (role ~ '^[a-z][a-z_-]*$')`.execute(db);
  }
};
