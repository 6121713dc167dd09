import type { CallRecord, RunEnded, RunStarted } from "@consortium/engine";
import { Clock, Effect } from "effect";
import { type Expression, type SqlBool, sql } from "kysely";
import type { Access } from "../access.js";
import type { Batcher } from "../batch.js";
import type { StoredRunStatus } from "../Database.js";
import type { Db, DialectSql } from "../Db.js";
import { AmbiguousRunId, MAX_CANDIDATES, RunNotFound, type StoreError } from "../errors.js";
import type { Provenance } from "../provenance.js";
import type { Redactor } from "../redact.js";
import {
  type ConfigRow,
  callRow,
  configRow,
  PROMPT_HEAD_LENGTH,
  runEndedUpdate,
  runStartedRow,
  toRunSummary,
  toStoredRun,
  type Writer
} from "../rows.js";
import { type SweptEnding, sweptDurationMs } from "../sweep.js";
import type { RunSummary, StoredRun } from "../types.js";
import { callsCost, callsCostComplete } from "./callsCost.js";
import type { BatchedWrite, CallRow } from "./callWrites.js";
import { factorResult } from "./resultCalls.js";

// Runs and their calls: written as the engine reports them, read back for `runs` and `show`.

export interface ListOptions {
  /** Newest first; default 20. */
  readonly limit?: number;
  /** Runs only: leave out the runs of this origin (`runs --no-evals` leaves out "eval"). */
  readonly excludeOrigin?: string;
  /** Runs only: leave out the runs of included consortia (those answering an outer run's member call). */
  readonly topLevel?: boolean;
  /** Runs of this consortium only. */
  readonly consortium?: string;
  /** Evals of this suite only. */
  readonly suite?: string;
  readonly status?: string;
  /** Runs whose prompt contains this text. */
  readonly text?: string;
  /** ISO-8601 bounds on the start time: at or after `since`, before `until`. */
  readonly since?: string;
  readonly until?: string;
  /** Paging: only what is listed after this entry (newest first, ties broken by id). */
  readonly before?: { readonly startedAt: string; readonly id: string };
}

export const DEFAULT_LIMIT = 20;

/** A row still `running` as the sweep sees it at `now` (ISO-8601): its ending when its writer is gone. */
export type AbandonedEnding = (
  row: { readonly id: string; readonly pid: number; readonly hostname: string; readonly lease_until: string | null },
  now: string
) => SweptEnding | undefined;

/** A row read as `running` whose writer is gone, shown as the sweep will record it. */
const asSwept = <
  Row extends {
    readonly id: string;
    readonly status: StoredRunStatus;
    readonly started_at: string;
    readonly pid: number;
    readonly hostname: string;
    readonly lease_until: string | null;
  }
>(
  row: Row,
  abandoned: AbandonedEnding,
  now: string
): Row => {
  const ending = row.status === "running" ? abandoned(row, now) : undefined;
  if (ending === undefined) return row;
  return {
    ...row,
    status: "interrupted",
    ended_at: ending.endedAt,
    duration_ms: sweptDurationMs(row.started_at, ending.endedAt),
    error: ending.error
  };
};

export interface RunRepository {
  /** Records a run as `running`; `provenance` and the lease are worked out by the caller, before the write. */
  readonly runStarted: (run: RunStarted, provenance: Provenance, leaseUntil: string) => Effect.Effect<void, StoreError>;
  /** Inserts the call and adds its tokens to the run's running totals, in one transaction. */
  readonly callEnded: (call: CallRecord) => Effect.Effect<void, StoreError>;
  readonly runEnded: (run: RunEnded) => Effect.Effect<void, StoreError>;
  readonly listRuns: (options?: ListOptions) => Effect.Effect<ReadonlyArray<RunSummary>, StoreError>;
  /** An exact id, or a prefix matching exactly one run (like git's short ids). */
  readonly getRun: (idOrPrefix: string) => Effect.Effect<StoredRun, StoreError | RunNotFound | AmbiguousRunId>;
}

export const makeRunRepository = (
  access: Access,
  dialect: DialectSql,
  writer: Writer,
  redactor: Redactor,
  batch: Batcher<BatchedWrite>,
  abandoned: AbandonedEnding = () => undefined
): RunRepository => {
  const { read, write } = access;
  // An eval starts a run per case from one config object: serialised, scrubbed and hashed once, again
  // only when the secrets to scrub have changed.
  const configRows = new WeakMap<object, { readonly secrets: ReadonlyArray<string>; readonly row: ConfigRow }>();
  const configOf = (config: object, secrets: ReadonlyArray<string>): ConfigRow => {
    const known = configRows.get(config);
    if (known !== undefined && known.secrets === secrets) return known.row;
    const row = configRow(config, secrets);
    configRows.set(config, { secrets, row });
    return row;
  };
  // Configs this store has committed: a run of one of them writes only its own row.
  const storedConfigs = new Set<string>();
  // Each running run's committed call rows, which its result refers to instead of repeating them.
  const committedCalls = new Map<string, Array<CallRow>>();

  const runStarted = Effect.fn("Store.runStarted")(function* (
    run: RunStarted,
    provenance: Provenance,
    leaseUntil: string
  ) {
    const names = Object.values(run.config.providers)
      .map((provider) => provider.apiKeyEnv)
      .filter((name): name is string => name !== undefined);
    yield* redactor.learnKeyNames(names);
    const secrets = yield* redactor.secrets;
    const config = configOf(run.config, secrets);
    const row = runStartedRow(run, writer, provenance, leaseUntil, secrets, config.key);
    yield* write("record run start", () => {
      const insertRun = () => batch.add({ insert: "runs", row });
      if (storedConfigs.has(config.key)) return insertRun();
      // The config first, in the same batch: the run refers to it.
      const stored = batch.add({ insert: "configs", row: config, unlessExists: "key" }).then(() => {
        storedConfigs.add(config.key);
      });
      const start = insertRun();
      return Promise.all([stored, start]).then(() => undefined);
    });
  });

  // Once per model call: untraced, and batched with the other calls ending in the same turn of the event loop.
  const callEnded = (call: CallRecord): Effect.Effect<void, StoreError> =>
    write("record call", () => {
      const row = callRow(call, redactor.current());
      return batch.add({ call: row }).then(() => {
        const committed = committedCalls.get(row.run_id);
        if (committed === undefined) committedCalls.set(row.run_id, [row]);
        else committed.push(row);
      });
    });

  const runEnded = Effect.fn("Store.runEnded")(function* (run: RunEnded) {
    // A retried run end (its first write failed) stores its result whole: correct, only larger.
    const calls = committedCalls.get(run.runId) ?? [];
    committedCalls.delete(run.runId);
    const update = runEndedUpdate(run, yield* redactor.secrets, factorResult(run.result, calls));
    yield* write("record run end", () =>
      batch.add({ endRun: run.runId, set: update, mustChange: `run ${run.runId} was never recorded as started` })
    );
  });

  const promptContains = (db: Db, text: string): Promise<Expression<SqlBool>> =>
    dialect.promptContains?.(db, text) ?? Promise.resolve(dialect.containsText("prompt", text));

  const listRuns = Effect.fn("Store.listRuns")(function* (options: ListOptions = {}) {
    const rows = yield* read("list runs", async (db) => {
      const text = options.text === undefined ? undefined : await promptContains(db, options.text);
      return db
        .selectFrom("runs")
        .select([
          "id",
          "consortium",
          "status",
          "started_at",
          "ended_at",
          "duration_ms",
          "iterations",
          "confidence",
          "input_tokens",
          "output_tokens",
          // a run still going: what its finished calls cost so far
          sql<number | null>`case when status = 'running' then ${callsCost} else cost_usd end`.as("cost_usd"),
          sql<SqlBool | null>`case when status = 'running' then ${callsCostComplete} else cost_complete end`.as(
            "cost_complete"
          ),
          "origin",
          "outer_run_id",
          "pid",
          "hostname",
          "lease_until",
          sql<string>`substr(prompt, 1, ${PROMPT_HEAD_LENGTH})`.as("prompt_head")
        ])
        .$if(options.excludeOrigin !== undefined, (query) =>
          query.where((eb) => eb.or([eb("origin", "is", null), eb("origin", "!=", options.excludeOrigin ?? "")]))
        )
        .$if(options.topLevel === true, (q) => q.where("outer_run_id", "is", null))
        .$if(options.consortium !== undefined, (q) => q.where("consortium", "=", options.consortium!))
        .$if(options.status !== undefined, (q) => q.where("status", "=", options.status as StoredRunStatus))
        .$if(text !== undefined, (q) => q.where(text!))
        .$if(options.since !== undefined, (q) => q.where("started_at", ">=", options.since!))
        .$if(options.until !== undefined, (q) => q.where("started_at", "<", options.until!))
        .$if(options.before !== undefined, (q) =>
          q.where((eb) =>
            eb.or([
              eb("started_at", "<", options.before!.startedAt),
              eb.and([eb("started_at", "=", options.before!.startedAt), eb("id", "<", options.before!.id)])
            ])
          )
        )
        .orderBy("started_at", "desc")
        .orderBy("id", "desc")
        .limit(options.limit ?? DEFAULT_LIMIT)
        .execute();
    });
    const now = new Date(yield* Clock.currentTimeMillis).toISOString();
    return rows.map((row) => toRunSummary(asSwept(row, abandoned, now)));
  });

  const lookUp = async (db: Db, prefix: string): Promise<ReadonlyArray<string>> => {
    const exact = await db.selectFrom("runs").select("id").where("id", "=", prefix).executeTakeFirst();
    if (exact !== undefined) return [exact.id];
    const matches = await db
      .selectFrom("runs")
      .select("id")
      .where(dialect.startsWith("id", prefix))
      .orderBy("id")
      .limit(MAX_CANDIDATES)
      .execute();
    return matches.map((row) => row.id);
  };

  const resolveRunId = Effect.fn("Store.resolveRunId")(function* (idOrPrefix: string) {
    if (idOrPrefix === "") return yield* new RunNotFound({ id: idOrPrefix });
    const ids = yield* read("find run", async (db) => {
      const found = await lookUp(db, idOrPrefix);
      // The engine's ids are upper-case ULIDs; let people type them in lower case.
      const upper = idOrPrefix.toUpperCase();
      return found.length > 0 || upper === idOrPrefix ? found : lookUp(db, upper);
    });
    const [only, ...others] = ids;
    if (only === undefined) return yield* new RunNotFound({ id: idOrPrefix });
    if (others.length > 0) return yield* new AmbiguousRunId({ prefix: idOrPrefix, candidates: ids });
    return only;
  });

  const getRun = Effect.fn("Store.getRun")(function* (idOrPrefix: string) {
    const id = yield* resolveRunId(idOrPrefix);
    const now = new Date(yield* Clock.currentTimeMillis).toISOString();
    const found = yield* read("read run", async (db) => {
      const run = await db
        .selectFrom("runs")
        .leftJoin("configs", "configs.key", "runs.config_key")
        .selectAll("runs")
        .select("configs.config_json")
        .where("id", "=", id)
        .executeTakeFirst();
      const calls = await db
        .selectFrom("calls")
        .selectAll()
        .where("run_id", "=", id)
        .orderBy("iteration")
        .orderBy(sql`case role when 'member' then 0 else 1 end`)
        .orderBy("id")
        .execute();
      const turns = await db
        .selectFrom("runs")
        .select(["id", "parent_run_id", "status", "prompt", "synthesis", "started_at"])
        .where("conversation_id", "=", run?.conversation_id ?? id)
        .orderBy("started_at")
        .orderBy("id")
        .execute();
      if (run === undefined) return undefined;
      // a run still going: what its finished calls cost so far
      const cost =
        run.status !== "running"
          ? run
          : await db
              .selectFrom("runs")
              .select([callsCost.as("cost_usd"), callsCostComplete.as("cost_complete")])
              .where("id", "=", id)
              .executeTakeFirstOrThrow();
      const costed = { ...run, cost_usd: cost.cost_usd, cost_complete: cost.cost_complete };
      return toStoredRun(asSwept(costed, abandoned, now), calls, turns);
    });
    if (found === undefined) return yield* new RunNotFound({ id });
    return found;
  });

  return { runStarted, callEnded, runEnded, listRuns, getRun };
};
