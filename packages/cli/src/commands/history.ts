import { existsSync } from "node:fs";
import { inertJson, safeText } from "@consortium/engine/text";
import * as Args from "@effect/cli/Args";
import * as Command from "@effect/cli/Command";
import * as Options from "@effect/cli/Options";
import * as Console from "effect/Console";
import * as Effect from "effect/Effect";
import { UsageError } from "../failures.js";
import { storeModule, viewModule } from "../lazy.js";
import { writeOutput } from "../writeOutput.js";
import { db, html, limit } from "./options.js";

// `runs` and `show`: reading the record back. The store (and its native SQLite addon) loads only here.
// What they print holds models' words (answers, previews), made inert for a terminal with safeText.

const json = Options.boolean("json").pipe(Options.withDescription("print JSON instead of the table"));

/**
 * Where a reading command reads. These commands never make a database file. A `--db` typed for this
 * command that is not there is an error (a typo must not pass for an empty history); the database
 * runs are recorded in by default (or $CONSORTIUM_DB) not being there yet means nothing was recorded
 * yet, so an empty in-memory one stands in for it and the command says so in its usual way.
 */
const readLocation = (flag: string | undefined, resolved: string): string =>
  flag === undefined && !resolved.includes("://") && resolved !== ":memory:" && !existsSync(resolved)
    ? ":memory:"
    : resolved;

/** Runs `use` with the store at the path the flags and environment name, closing it afterwards (also used by `diff`). */
export const withStore = <A, E>(
  path: string | undefined,
  use: (store: typeof import("@consortium/store"), shape: import("@consortium/store").StoreShape) => Effect.Effect<A, E>
) =>
  Effect.flatMap(storeModule, (module) =>
    Effect.flatMap(module.Store, (store) => use(module, store)).pipe(
      Effect.provide(module.Store.layer(readLocation(path, module.resolveDbPath({ flag: path })), { mustExist: true }))
    )
  );

// Exact text once parsed; the controls JSON leaves raw are escaped, so a terminal showing it obeys none.
const printJson = (value: unknown) =>
  Effect.sync(() => process.stdout.write(`${inertJson(JSON.stringify(value, null, 2))}\n`));

/** The page renderer (and its Markdown parser) loads only when a page is asked for. */
const writeHtml = (path: string, render: (view: typeof import("@consortium/view")) => string) =>
  Effect.flatMap(viewModule, (view) =>
    Effect.zipRight(writeOutput(path, render(view)), Console.error(`wrote ${path}`))
  );

const evalsReport = Effect.promise(() => import("../evalsReport.js"));

export const runs = Command.make(
  "runs",
  {
    limit: limit("runs"),
    json,
    noEvals: Options.boolean("no-evals").pipe(Options.withDescription("leave out the runs of eval cases")),
    db
  },
  ({ limit, json, noEvals, db }) =>
    withStore(db, (module, store) =>
      Effect.flatMap(store.listRuns({ limit, ...(noEvals ? { excludeOrigin: "eval" } : {}) }), (list) =>
        json ? printJson(list) : Console.log(safeText(module.formatRunsTable(list)))
      )
    )
).pipe(Command.withDescription("List recent runs from the database; an eval case's run says (eval)."));

export const evals = Command.make(
  "evals",
  {
    limit: limit("evals"),
    json,
    db
  },
  ({ limit, json, db }) =>
    withStore(db, (_, store) =>
      Effect.flatMap(Effect.all([store.listEvals({ limit }), evalsReport]), ([list, report]) =>
        json ? printJson(list) : Console.log(safeText(report.formatEvalsTable(list)))
      )
    )
).pipe(Command.withDescription("List past evals: suite, status, results passed."));

export const show = Command.make(
  "show",
  {
    id: Args.text({ name: "run-id" }).pipe(
      Args.withDescription(
        "a run id (or any unique prefix of one), or an eval id from `consortium evals` (whole, or which shards are missing)"
      )
    ),
    json,
    html: html("the run (or the eval)"),
    db
  },
  ({ id, json, html, db }) =>
    withStore(db, (module, store) =>
      store.getRun(id).pipe(
        Effect.flatMap((run) => {
          const shown = json ? printJson(module.runJson(run)) : Console.log(safeText(module.formatRun(run)));
          // the page is for a CI artifact; --json beside it still asks for the JSON on stdout
          if (html !== undefined)
            return Effect.zipRight(
              writeHtml(html, (view) => view.runReportHtml(run)),
              json ? shown : Effect.void
            );
          return shown;
        }),
        // not a run: perhaps an eval; if neither, say so for both (eval ids have no prefix lookup)
        Effect.catchTag("RunNotFound", (notFound) =>
          store.getEval(id).pipe(
            Effect.catchTag("EvalNotFound", () =>
              Effect.fail(
                new UsageError({
                  message: `${notFound.message}, nor an eval (an eval id is given whole: consortium evals lists them)`,
                  help: false
                })
              )
            ),
            Effect.flatMap((stored) => {
              const shown = json
                ? printJson(stored)
                : Effect.flatMap(evalsReport, (report) => Console.log(safeText(report.formatEval(stored))));
              if (html !== undefined) {
                return Effect.zipRight(
                  writeHtml(html, (view) => view.storedEvalReportHtml(stored)),
                  json ? shown : Effect.void
                );
              }
              return shown;
            })
          )
        )
      )
    )
).pipe(
  Command.withDescription(
    "Show one run: every iteration's answers, the arbiter's decisions, tokens, timings and errors; " +
      "or one eval: each target's pass rate and the failing cases."
  )
);
