import { Effect } from "effect";
import { sql } from "kysely";
import type { Access } from "../access.js";
import type { StoredEvalStatus } from "../Database.js";
import { EvalNotFound, type StoreError } from "../errors.js";
import type { GitInfo } from "../gitInfo.js";
import type { Redactor } from "../redact.js";
import { evalEndedUpdate, evalResultRow, evalStartedRow, toEvalSummary, toStoredEval, type Writer } from "../rows.js";
import { DEFAULT_LIMIT, type ListOptions } from "../runs/RunRepository.js";
import type { EvalEndRecord, EvalResultRecord, EvalStartRecord, EvalSummary, StoredEval } from "../types.js";

// Evals and their case × target results: written as eval reports them, read back for `evals` and
// `show <eval-id>`.

export interface EvalRepository {
  /** Records an eval as `running`; the suite file's `git` is worked out by the caller, before the write. */
  readonly recordEvalStarted: (started: EvalStartRecord, git: GitInfo) => Effect.Effect<void, StoreError>;
  readonly recordEvalResult: (result: EvalResultRecord) => Effect.Effect<void, StoreError>;
  readonly recordEvalEnded: (ended: EvalEndRecord) => Effect.Effect<void, StoreError>;
  readonly listEvals: (options?: ListOptions) => Effect.Effect<ReadonlyArray<EvalSummary>, StoreError>;
  readonly getEval: (id: string) => Effect.Effect<StoredEval, StoreError | EvalNotFound>;
}

export const makeEvalRepository = (access: Access, writer: Writer, redactor: Redactor): EvalRepository => {
  const { read, write } = access;

  const recordEvalStarted = Effect.fn("Store.recordEvalStarted")(function* (started: EvalStartRecord, git: GitInfo) {
    const row = evalStartedRow(started, writer, git, yield* redactor.secrets);
    yield* write("record eval start", (db) => db.insertInto("evals").values(row).execute());
  });

  const recordEvalResult = Effect.fn("Store.recordEvalResult")(function* (result: EvalResultRecord) {
    const row = evalResultRow(result, yield* redactor.secrets);
    yield* write("record eval result", (db) =>
      db
        .insertInto("eval_results")
        .values((eb) => ({
          ...row,
          // Linked only when that run was recorded here (it may have run with --no-log or elsewhere).
          run_id: eb
            .selectFrom("runs")
            .select("runs.id")
            .where("runs.id", "=", result.runId ?? "")
        }))
        .execute()
    );
  });

  const recordEvalEnded = Effect.fn("Store.recordEvalEnded")(function* (ended: EvalEndRecord) {
    const update = evalEndedUpdate(ended, yield* redactor.secrets);
    const result = yield* write("record eval end", (db) =>
      db.updateTable("evals").set(update).where("id", "=", ended.evalId).executeTakeFirst()
    );
    if (result.numUpdatedRows === 0n) {
      return yield* access.fail("record eval end", `eval ${ended.evalId} was never recorded as started`);
    }
  });

  const listEvals = Effect.fn("Store.listEvals")(function* (options: ListOptions = {}) {
    const rows = yield* read("list evals", (db) =>
      db
        .selectFrom("evals")
        .leftJoin("eval_results", "eval_results.eval_id", "evals.id")
        .select((eb) => [
          "evals.id",
          "evals.suite",
          "evals.status",
          "evals.started_at",
          "evals.ended_at",
          eb.fn.count<number>("eval_results.id").as("results"),
          sql<number | null>`sum(case when ${sql.ref("eval_results.passed")} then 1 else 0 end)`.as("passed")
        ])
        .$if(options.suite !== undefined, (q) => q.where("evals.suite", "=", options.suite!))
        .$if(options.status !== undefined, (q) => q.where("evals.status", "=", options.status as StoredEvalStatus))
        .$if(options.before !== undefined, (q) =>
          q.where((eb) =>
            eb.or([
              eb("evals.started_at", "<", options.before!.startedAt),
              eb.and([eb("evals.started_at", "=", options.before!.startedAt), eb("evals.id", "<", options.before!.id)])
            ])
          )
        )
        .groupBy("evals.id")
        .orderBy("evals.started_at", "desc")
        .orderBy("evals.id", "desc")
        .limit(options.limit ?? DEFAULT_LIMIT)
        .execute()
    );
    return rows.map(toEvalSummary);
  });

  const getEval = Effect.fn("Store.getEval")(function* (id: string) {
    const found = yield* read("read eval", async (db) => {
      const row = await db.selectFrom("evals").selectAll().where("id", "=", id).executeTakeFirst();
      const results = await db
        .selectFrom("eval_results")
        .selectAll()
        .where("eval_id", "=", id)
        .orderBy("case_id")
        .orderBy("target")
        .orderBy("id")
        .execute();
      return row === undefined ? undefined : toStoredEval(row, results);
    });
    if (found === undefined) return yield* new EvalNotFound({ id });
    return found;
  });

  return { recordEvalStarted, recordEvalResult, recordEvalEnded, listEvals, getEval };
};
