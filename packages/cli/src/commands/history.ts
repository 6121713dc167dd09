import * as Args from "@effect/cli/Args";
import * as Command from "@effect/cli/Command";
import * as Options from "@effect/cli/Options";
import * as Console from "effect/Console";
import * as Effect from "effect/Effect";
import { writeOutput } from "../failures.js";
import { db, html } from "./options.js";

// `runs` and `show`: reading the record back. The store (and its native SQLite addon) loads only here.

const json = Options.boolean("json").pipe(Options.withDescription("print JSON instead of the table"));

/** Runs `use` with the store at the path the flags and environment name, closing it afterwards (also used by `diff`). */
export const withStore = <A, E>(
  path: string | undefined,
  use: (store: typeof import("@consortium/store"), shape: import("@consortium/store").StoreShape) => Effect.Effect<A, E>
) =>
  Effect.flatMap(
    Effect.promise(() => import("@consortium/store")),
    (module) =>
      Effect.flatMap(module.Store, (store) => use(module, store)).pipe(
        Effect.provide(module.Store.layer(module.resolveDbPath({ flag: path })))
      )
  );

const printJson = (value: unknown) => Effect.sync(() => process.stdout.write(`${JSON.stringify(value, null, 2)}\n`));

/** The page renderer (and its Markdown parser) loads only when a page is asked for. */
const writeHtml = (path: string, run: import("@consortium/store").StoredRun) =>
  Effect.flatMap(
    Effect.promise(() => import("@consortium/view")),
    ({ runReportHtml }) => Effect.zipRight(writeOutput(path, runReportHtml(run)), Console.error(`wrote ${path}`))
  );

export const runs = Command.make(
  "runs",
  {
    limit: Options.integer("limit").pipe(
      Options.withDescription("how many runs, newest first"),
      Options.withDefault(20)
    ),
    json,
    db
  },
  ({ limit, json, db }) =>
    withStore(db, (module, store) =>
      Effect.flatMap(store.listRuns({ limit }), (list) =>
        json ? printJson(list) : Console.log(module.formatRunsTable(list))
      )
    )
).pipe(Command.withDescription("List recent runs from the database."));

export const show = Command.make(
  "show",
  {
    id: Args.text({ name: "run-id" }).pipe(Args.withDescription("a run id, or any unique prefix of one")),
    json,
    html: html("the run"),
    db
  },
  ({ id, json, html, db }) =>
    withStore(db, (module, store) =>
      Effect.flatMap(store.getRun(id), (run) => {
        if (html !== undefined) return writeHtml(html, run);
        return json ? printJson(run) : Console.log(module.formatRun(run));
      })
    )
).pipe(
  Command.withDescription(
    "Show one run: every iteration's answers, the arbiter's decisions, tokens, timings and errors."
  )
);
