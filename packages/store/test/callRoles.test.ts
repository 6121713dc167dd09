import { join } from "node:path";
import { CALL_ROLES } from "@consortium/engine";
import { Store } from "@consortium/store";
import { afterAll, describe, expect, it } from "@effect/vitest";
import BetterSqlite3 from "better-sqlite3";
import { Effect, Layer } from "effect";
import { Kysely, SqliteDialect } from "kysely";
import { makeMigrator } from "../src/sqlite/openSqlite.js";
import { tempDir } from "./fixtures.js";

const tmp = tempDir();
afterAll(tmp.cleanup);

const insertCall = (db: BetterSqlite3.Database, role: string) =>
  db
    .prepare(
      "insert into calls (run_id, iteration, role, provider, model, instance, request_json, input_tokens, output_tokens, latency_ms, attempts, started_at, ended_at) values ('r', 1, ?, 'p', 'm', 1, '{}', 1, 2, 3, 1, 't', 't')"
    )
    .run(role);

describe("calls.role", () => {
  it.effect("accepts every role of the engine's vocabulary after migrating, keeping older calls", () => {
    const path = join(tmp.dir, "roles.db");
    return Effect.gen(function* () {
      yield* Effect.promise(async () => {
        const db = new Kysely<unknown>({ dialect: new SqliteDialect({ database: new BetterSqlite3(path) }) });
        const { error } = await makeMigrator(db).migrateTo("0003_conversations");
        await db.destroy();
        if (error !== undefined) throw error;
      });
      {
        const db = new BetterSqlite3(path);
        db.prepare(
          "insert into runs (id, consortium, status, prompt, config_json, config_hash, started_at, pid, hostname) values ('r', 'c', 'completed', 'p', '{}', 'h', 't', 1, 'h')"
        ).run();
        insertCall(db, "member");
        insertCall(db, "arbiter");
        expect(() => insertCall(db, "reviewer")).toThrow();
        db.close();
      }
      yield* Effect.scoped(Layer.build(Store.layer(path)));
      const db = new BetterSqlite3(path);
      try {
        for (const role of CALL_ROLES) insertCall(db, role);
        expect(db.prepare("select role from calls order by id").pluck().all()).toEqual([
          "member",
          "arbiter",
          ...CALL_ROLES
        ]);
        expect(() => insertCall(db, "")).toThrow();
        expect(() => insertCall(db, "Robert'); drop table calls;--")).toThrow();
        // Deleting the run still takes its calls with it.
        db.pragma("foreign_keys = ON");
        db.prepare("delete from runs where id = 'r'").run();
        expect(db.prepare("select count(*) from calls").pluck().get()).toBe(0);
      } finally {
        db.close();
      }
    });
  });
});
