import { Effect } from "effect";
import { sql } from "kysely";
import type { Access } from "../access.js";
import type { Batcher } from "../batch.js";
import type { StoredEvalStatus } from "../Database.js";
import { type EvalJoinRefused, EvalNotFound, type StoreError } from "../errors.js";
import type { GitInfo } from "../gitInfo.js";
import type { Redactor } from "../redact.js";
import {
  evalResultRow,
  evalShardEndedRow,
  evalShardStartedRow,
  evalStartedRow,
  json,
  toEvalSummary,
  toStoredEval,
  type Writer
} from "../rows.js";
import type { BatchedWrite } from "../runs/callWrites.js";
import { DEFAULT_LIMIT, type ListOptions } from "../runs/RunRepository.js";
import type { EvalEndRecord, EvalResultRecord, EvalStartRecord, EvalSummary, StoredEval } from "../types.js";
import { finishEvalIfComplete, missingShards } from "./finishEval.js";
import { joinRefusal } from "./joinEval.js";
import { factorReport, type ResultColumns } from "./reportResults.js";

// Evals and their case × target results: written as eval reports them, read back for `evals` and
// `show <eval-id>`.

export interface EvalRepository {
  /**
   * Records a shard of an eval as `running`, and the eval itself when this is its first shard; the
   * suite file's `git` and the lease are worked out by the caller, before the write.
   */
  readonly recordEvalStarted: (
    started: EvalStartRecord,
    git: GitInfo,
    leaseUntil: string
  ) => Effect.Effect<void, StoreError | EvalJoinRefused>;
  readonly recordEvalResult: (result: EvalResultRecord) => Effect.Effect<void, StoreError>;
  /** Ends a shard; the eval ends with its last shard, with the status and report of all of them. */
  readonly recordEvalEnded: (ended: EvalEndRecord) => Effect.Effect<void, StoreError>;
  readonly listEvals: (options?: ListOptions) => Effect.Effect<ReadonlyArray<EvalSummary>, StoreError>;
  readonly getEval: (id: string) => Effect.Effect<StoredEval, StoreError | EvalNotFound>;
}

export const makeEvalRepository = (
  access: Access,
  writer: Writer,
  redactor: Redactor,
  batch: Batcher<BatchedWrite>
): EvalRepository => {
  const { read, write } = access;
  // Each running eval's committed case results, which its report refers to instead of repeating them.
  const committedResults = new Map<string, Array<ResultColumns & { readonly eval_id: string }>>();

  const recordEvalStarted = Effect.fn("Store.recordEvalStarted")(function* (
    started: EvalStartRecord,
    git: GitInfo,
    leaseUntil: string
  ) {
    const refused = yield* read("read the eval to join", (db) => joinRefusal(db, started));
    if (refused !== undefined) return yield* refused;
    const row = evalStartedRow(started, writer, git, yield* redactor.secrets);
    const shard = evalShardStartedRow(started, writer, leaseUntil);
    yield* write("record eval start", (db) =>
      db.transaction().execute(async (trx) => {
        // The first shard to start creates the eval; the others join it.
        await trx
          .insertInto("evals")
          .values(row)
          .onConflict((oc) => oc.column("id").doNothing())
          .execute();
        const existing = await trx
          .selectFrom("evals")
          .select("suite")
          .where("id", "=", started.evalId)
          .executeTakeFirst();
        if (existing !== undefined && existing.suite !== started.suite) {
          throw new Error(`eval ${started.evalId} is of suite "${existing.suite}", not "${started.suite}"`);
        }
        // A shard run again (a retried CI job) starts over.
        await trx
          .insertInto("eval_shards")
          .values(shard)
          .onConflict((oc) =>
            oc.columns(["eval_id", "shard_index"]).doUpdateSet({
              shard_count: shard.shard_count,
              status: "running",
              pid: shard.pid,
              hostname: shard.hostname,
              lease_until: shard.lease_until,
              started_at: shard.started_at,
              ended_at: null,
              summary_json: null
            })
          )
          .execute();
        await trx
          .updateTable("evals")
          .set({ status: "running", ended_at: null })
          .where("id", "=", started.evalId)
          .execute();
      })
    );
  });

  const recordEvalResult = Effect.fn("Store.recordEvalResult")(function* (result: EvalResultRecord) {
    const row = evalResultRow(result, yield* redactor.secrets);
    // Linked only when that run was recorded here (it may have run with --no-log or elsewhere).
    yield* write("record eval result", () =>
      batch.add({ insert: "eval_results", row, linkRun: result.runId }).then(() => {
        const committed = committedResults.get(row.eval_id);
        if (committed === undefined) committedResults.set(row.eval_id, [row]);
        else committed.push(row);
      })
    );
  });

  const recordEvalEnded = Effect.fn("Store.recordEvalEnded")(function* (ended: EvalEndRecord) {
    const secrets = yield* redactor.secrets;
    const ownReport = evalShardEndedRow(ended, writer, secrets);
    // The report of an eval run whole is the eval's: stored once, on the eval (see finishEval.ts),
    // referring to its case results' rows (see reportResults.ts).
    const whole = ownReport.shard_count === 1;
    const shard = whole ? { ...ownReport, summary_json: null } : ownReport;
    const results = committedResults.get(ended.evalId) ?? [];
    committedResults.delete(ended.evalId);
    const soleReport =
      ended.summary === null || ended.summary === undefined
        ? null
        : json(factorReport(ended.summary, results), secrets);
    const recorded = yield* write("record eval end", (db) =>
      db.transaction().execute(async (trx) => {
        // Touching the eval's row first makes shards ending at once take turns (a row lock where
        // the backend has them), so exactly one of them sees every shard ended and ends the eval.
        const touched = await trx
          .updateTable("evals")
          .set((eb) => ({ status: eb.ref("status") }))
          .where("id", "=", ended.evalId)
          .executeTakeFirst();
        if (touched.numUpdatedRows === 0n) return false;
        await trx
          .insertInto("eval_shards")
          .values(shard)
          .onConflict((oc) =>
            oc.columns(["eval_id", "shard_index"]).doUpdateSet({
              status: shard.status,
              ended_at: shard.ended_at,
              summary_json: shard.summary_json
            })
          )
          .execute();
        // Usually every result was linked as it was written: update only those that were not.
        const unlinked = new Set(
          (
            await trx
              .selectFrom("eval_results")
              .select(["case_id", "target"])
              .where("eval_id", "=", ended.evalId)
              .where("run_id", "is", null)
              .execute()
          ).map((row) => `${row.case_id}\u0000${row.target}`)
        );
        for (const link of ended.runLinks ?? []) {
          if (!unlinked.has(`${link.caseId}\u0000${link.target}`)) continue;
          await trx
            .updateTable("eval_results")
            .set((eb) => ({
              run_id: eb.selectFrom("runs").select("runs.id").where("runs.id", "=", link.runId)
            }))
            .where("eval_id", "=", ended.evalId)
            .where("case_id", "=", link.caseId)
            .where("target", "=", link.target)
            .where("run_id", "is", null)
            .execute();
        }
        await finishEvalIfComplete(trx, ended.evalId, whole ? soleReport : undefined);
        return true;
      })
    );
    if (!recorded) {
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
      const shards = await db
        .selectFrom("eval_shards")
        .selectAll()
        .where("eval_id", "=", id)
        .orderBy("shard_index")
        .execute();
      return row === undefined ? undefined : toStoredEval(row, results, shards, missingShards(shards));
    });
    if (found === undefined) return yield* new EvalNotFound({ id });
    return found;
  });

  return { recordEvalStarted, recordEvalResult, recordEvalEnded, listEvals, getEval };
};
