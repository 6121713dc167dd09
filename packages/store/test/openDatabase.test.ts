import { readdirSync } from "node:fs";
import { join } from "node:path";
import { copyDatabase, databaseStatus, Store } from "@consortium/store";
import { afterAll, describe, expect, it } from "@effect/vitest";
import { Effect, Either, Layer } from "effect";
import { tempDir } from "./fixtures.js";

// A location that is no database of ours is refused before anything is made of it: a URL of another
// scheme (a typo of postgres://, with a password in it), and, for what only reads, a missing file.

const tmp = tempDir();
afterAll(tmp.cleanup);

const message = <A, E extends { readonly message: string }>(outcome: Either.Either<A, E>): string =>
  Either.isLeft(outcome) ? outcome.left.message : "opened";

describe("opening a location", () => {
  it.effect("refuses a URL of a scheme that is not PostgreSQL's, without its password, and makes no file", () =>
    Effect.gen(function* () {
      for (const location of ["postgress://user:hunter22pw@host/db", "mysql://x/y", "SQLITE:///tmp/x.db"]) {
        const opened = yield* Effect.either(Effect.scoped(Layer.build(Store.layer(location))));
        expect(message(opened)).toMatch(
          /^cannot open the database at .*: a [a-z]+:\/\/ URL is not a database consortium can use/i
        );
        expect(message(opened)).not.toContain("hunter22pw");
        expect(message(yield* Effect.either(databaseStatus(location)))).not.toContain("hunter22pw");
      }
      // Relative paths until now: the folder a SQLite file would have been made in
      expect(readdirSync(process.cwd()).filter((name) => /^(postgress|mysql|SQLITE):$/.test(name))).toEqual([]);
    })
  );

  it.effect("for reading only, a missing file is an error and stays missing; writing creates it", () =>
    Effect.gen(function* () {
      const missing = join(tmp.dir, "reads", "typo.db");
      const read = yield* Effect.either(Effect.scoped(Layer.build(Store.layer(missing, { mustExist: true }))));
      expect(message(read)).toBe(
        `cannot open the database at ${missing}: no such file: nothing has been recorded there (run, eval, serve and mcp create it)`
      );
      expect(message(yield* Effect.either(databaseStatus(missing)))).toContain("no such file");
      expect(message(yield* Effect.either(copyDatabase(missing, join(tmp.dir, "reads-target.db"))))).toContain(
        `cannot open the database at ${missing}: no such file`
      );
      expect(readdirSync(tmp.dir)).toEqual([]);
      yield* Effect.scoped(Layer.build(Store.layer(missing)));
      yield* Effect.scoped(Layer.build(Store.layer(missing, { mustExist: true })));
      expect(readdirSync(join(tmp.dir, "reads"))).toContain("typo.db");
    })
  );
});
