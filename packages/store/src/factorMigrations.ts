import { createHash } from "node:crypto";
import { canonicalJson } from "@consortium/eval/records";
import { type Kysely, type Migration, sql } from "kysely";
import { factorReport, type ResultColumns } from "./evals/reportResults.js";
import type { ColumnTypes } from "./migrations.js";
import { type CallColumns, factorResult, type SameJson, sameJsonText } from "./runs/resultCalls.js";

// Migrations that take the repetition out of rows written before them: configs stored once by the
// hash of their text instead of once per run, results that refer to their call rows instead of
// repeating them (see runs/resultCalls.ts), an eval's report no longer kept twice, and eval reports
// that refer to their case results' rows (see evals/reportResults.ts). They convert
// existing rows a page of runs at a time, so a large database is converted in bounded memory;
// reading gives back exactly what it did before.

const PAGE = 200;

/** Runs a page at a time, by id: `select` reads the page after an id, `work` converts it. */
const eachPage = async <Row extends { readonly id: string }>(
  select: (after: string) => Promise<ReadonlyArray<Row>>,
  work: (rows: ReadonlyArray<Row>) => Promise<void>
): Promise<void> => {
  let after = "";
  for (;;) {
    const rows = await select(after);
    if (rows.length === 0) return;
    await work(rows);
    after = rows.at(-1)!.id;
    if (rows.length < PAGE) return;
  }
};

const sha256 = (text: string): string => createHash("sha256").update(text).digest("hex");

export const configsByHash = (t: ColumnTypes): Migration => ({
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable("configs")
      .addColumn("key", "text", (c) => c.primaryKey())
      .addColumn("config_json", t.json, (c) => c.notNull())
      .execute();
    await db.schema
      .alterTable("runs")
      .addColumn("config_key", "text", (c) => c.references("configs.key"))
      .execute();
    await eachPage(
      async (after) =>
        (
          await sql<{ id: string; config_json: string }>`select id, config_json from runs where id > ${after}
            order by id limit ${PAGE}`.execute(db)
        ).rows,
      async (runs) => {
        for (const run of runs) {
          const key = sha256(run.config_json);
          await sql`insert into configs (key, config_json) values (${key}, ${run.config_json})
            on conflict (key) do nothing`.execute(db);
          await sql`update runs set config_key = ${key} where id = ${run.id}`.execute(db);
        }
      }
    );
    await db.schema.alterTable("runs").dropColumn("config_json").execute();
  }
});

/** Exact JSON text where the backend keeps keys in order; the same values where it does not (jsonb). */
const sameFor = (t: ColumnTypes): SameJson =>
  t.jsonKeepsKeyOrder ? sameJsonText : (a, b) => canonicalJson(a) === canonicalJson(b);

export const resultsReferToCalls = (t: ColumnTypes): Migration => ({
  async up(db: Kysely<unknown>) {
    const same = sameFor(t);
    await eachPage(
      async (after) =>
        (
          await sql<{ id: string; result_json: string }>`select id, result_json from runs
            where id > ${after} and result_json is not null order by id limit ${PAGE}`.execute(db)
        ).rows,
      async (runs) => {
        const calls = (
          await sql<CallColumns & { run_id: string }>`select run_id, iteration, role, instance, provider, model,
            layer, answer, parsed_json, input_tokens, output_tokens, cost_usd, latency_ms, attempts, error_json
            from calls where run_id in (${sql.join(runs.map((run) => run.id))}) order by id`.execute(db)
        ).rows;
        const byRun = new Map<string, Array<CallColumns>>();
        for (const call of calls) byRun.set(call.run_id, [...(byRun.get(call.run_id) ?? []), call]);
        for (const run of runs) {
          const result = JSON.parse(run.result_json) as unknown;
          const stored = JSON.stringify(factorResult(result, byRun.get(run.id) ?? [], same));
          if (stored.length < run.result_json.length) {
            await sql`update runs set result_json = ${stored} where id = ${run.id}`.execute(db);
          }
        }
      }
    );
  }
});

/** An ended eval of one shard keeps that shard's report once, as its own (see evals/finishEval.ts). */
export const oneShardReportOnce = (): Migration => ({
  async up(db: Kysely<unknown>) {
    await sql`update eval_shards set summary_json = null
      where shard_count = 1 and summary_json is not null
        and exists (select 1 from evals where evals.id = eval_shards.eval_id and evals.status <> 'running'
          and evals.summary_json is not null)
        and (select count(*) from eval_shards others where others.eval_id = eval_shards.eval_id) = 1`.execute(db);
  }
});

/** Ended evals' reports written before they referred to their case results' rows, converted to refer to them. */
export const reportsReferToResults = (t: ColumnTypes): Migration => ({
  async up(db: Kysely<unknown>) {
    const same = sameFor(t);
    await eachPage(
      async (after) =>
        (
          await sql<{ id: string; summary_json: string }>`select id, summary_json from evals
            where id > ${after} and summary_json is not null order by id limit ${PAGE}`.execute(db)
        ).rows,
      async (evals) => {
        const results = (
          await sql<ResultColumns & { eval_id: string }>`select eval_id, case_id, target, passed, status, output,
            assertions_json, latency_ms, input_tokens, output_tokens, confidence, cost_usd, error
            from eval_results where eval_id in (${sql.join(evals.map((row) => row.id))}) order by id`.execute(db)
        ).rows;
        const byEval = new Map<string, Array<ResultColumns>>();
        for (const row of results) byEval.set(row.eval_id, [...(byEval.get(row.eval_id) ?? []), row]);
        for (const row of evals) {
          const report = JSON.parse(row.summary_json) as unknown;
          const stored = JSON.stringify(factorReport(report, byEval.get(row.id) ?? [], same));
          if (stored.length < row.summary_json.length) {
            await sql`update evals set summary_json = ${stored} where id = ${row.id}`.execute(db);
          }
        }
      }
    );
  }
});
