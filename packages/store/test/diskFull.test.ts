import { join } from "node:path";
import { describe, expect, it } from "@effect/vitest";
import { Effect } from "effect";
import { sql } from "kysely";
import { makeAccess } from "../src/access.js";
import { openSqlite } from "../src/sqlite/openSqlite.js";
import { tempDir } from "./fixtures.js";

// A full disk, simulated by SQLite's own page limit on the store's connection: the error says so,
// rather than the rollback's complaint that hid it.

const tmp = tempDir();

describe("a full disk", () => {
  it.effect("a transaction that fills the database fails with 'disk full: …', not a rollback error", () =>
    Effect.gen(function* () {
      const backend = openSqlite(join(tmp.dir, "full.db"));
      yield* Effect.promise(() => sql`create table filler (data blob)`.execute(backend.db));
      const pages = yield* Effect.promise(() => sql<{ page_count: number }>`pragma page_count`.execute(backend.db));
      yield* Effect.promise(() =>
        sql.raw(`pragma max_page_count = ${pages.rows[0]!.page_count + 2}`).execute(backend.db)
      );
      const access = makeAccess(backend);
      const error = yield* Effect.flip(
        access.write("record run start", (db) =>
          db.transaction().execute(async (trx) => {
            for (let i = 0; i < 20; i++) {
              await sql`insert into filler (data) values (${Buffer.alloc(8192, i)})`.execute(trx);
            }
          })
        )
      );
      expect(error.message).toContain("disk full: ");
      expect(error.message).not.toContain("cannot rollback");
      // the connection is usable again once there is room
      yield* Effect.promise(() => sql.raw("pragma max_page_count = 1000000").execute(backend.db));
      yield* access.write("record run start", (db) =>
        db.transaction().execute((trx) => sql`insert into filler (data) values (${Buffer.alloc(10)})`.execute(trx))
      );
      yield* Effect.promise(() => backend.db.destroy());
    })
  );
});
