import { realpathSync } from "node:fs";
import { resolve } from "node:path";
import * as Command from "@effect/cli/Command";
import * as Options from "@effect/cli/Options";
import * as Console from "effect/Console";
import * as Effect from "effect/Effect";
import { SilentExit, UsageError } from "../failures.js";
import { storeModule } from "../lazy.js";
import { db } from "./options.js";

// `consortium db migrate|status|copy`: the store's schema on purpose (a team's CI user may not own
// it), and moving a local history into the team's PostgreSQL. The store loads only here.

const status = Command.make("status", { db }, ({ db }) =>
  Effect.gen(function* () {
    const { databaseStatus, resolveDbPath } = yield* storeModule;
    const found = yield* databaseStatus(resolveDbPath({ flag: db }));
    yield* Console.log(found.location);
    yield* Console.log(`applied: ${found.applied.length === 0 ? "none" : found.applied.join(", ")}`);
    if (found.unknown.length > 0) {
      yield* Console.log(`written by a newer consortium: ${found.unknown.join(", ")}`);
      return yield* new SilentExit({ code: 2 });
    }
    if (found.pending.length > 0) {
      yield* Console.log(`pending: ${found.pending.join(", ")} (consortium db migrate applies them)`);
      return yield* new SilentExit({ code: 1 });
    }
    yield* Console.log("up to date");
  })
).pipe(
  Command.withDescription("Say which schema migrations the database has and lacks; exit 1 when some are pending.")
);

const migrate = Command.make("migrate", { db }, ({ db }) =>
  Effect.gen(function* () {
    const { migrateDatabase, resolveDbPath } = yield* storeModule;
    const done = yield* migrateDatabase(resolveDbPath({ flag: db }));
    yield* Console.log(
      done.applied.length === 0
        ? `${done.location}: already up to date`
        : `${done.location}: applied ${done.applied.join(", ")}`
    );
  })
).pipe(Command.withDescription("Apply pending schema migrations (under a lock: safe while others use it)."));

/** A file by its real path (./, ../ and symbolic links spelled away); a URL as written. */
const canonical = (location: string): string => {
  if (location.includes("://")) return location;
  try {
    return realpathSync(location);
  } catch {
    return resolve(location);
  }
};

const sameLocation = (a: string, b: string): boolean => canonical(a) === canonical(b);

const copy = Command.make(
  "copy",
  {
    from: Options.text("from").pipe(Options.withDescription("the database to read: a SQLite file (or a URL)")),
    to: Options.text("to").pipe(Options.withDescription("the database to add to: a postgres:// URL (or a file)"))
  },
  ({ from, to }) =>
    Effect.gen(function* () {
      const { copyDatabase, displayLocation } = yield* storeModule;
      // copying a database onto itself would report "copied 0 …" as if a history had moved
      if (sameLocation(from, to)) {
        return yield* new UsageError({
          message: `db copy: --from and --to are the same database (${displayLocation(from)})`,
          help: false
        });
      }
      const copied = yield* copyDatabase(from, to);
      yield* Console.log(
        `copied ${copied.runs} runs (${copied.calls} calls) and ${copied.evals} evals (${copied.results} results)` +
          (copied.skippedRuns + copied.skippedEvals > 0
            ? `; already there: ${copied.skippedRuns} runs, ${copied.skippedEvals} evals`
            : "")
      );
    })
).pipe(
  Command.withDescription("Copy every run and eval the target lacks, with their calls and results, in one transaction.")
);

export const database = Command.make("db").pipe(
  Command.withDescription("The store's schema, and moving a history to PostgreSQL."),
  Command.withSubcommands([status, migrate, copy])
);
