import {
  type ColumnDataType,
  type ColumnDefinitionBuilder,
  type Kysely,
  type Migration,
  type MigrationProvider,
  sql
} from "kysely";
import { configsByHash, oneShardReportOnce, reportsReferToResults, resultsReferToCalls } from "./factorMigrations.js";

// Versioned schema changes, listed in code rather than read from a folder: the CLI is one bundled
// file, so there is no folder to scan. Names sort in order; never edit a released migration, add one.
// One list for every backend: where their types differ, a migration asks `ColumnTypes`.

/** The column types, and the one migration, that differ between backends. */
export interface ColumnTypes {
  readonly json: ColumnDataType;
  /** Whether JSON comes back with its keys in the order written (text does; jsonb sorts them). */
  readonly jsonKeepsKeyOrder: boolean;
  readonly time: ColumnDataType;
  readonly real: ColumnDataType;
  /** An integer primary key the database numbers itself. */
  readonly serial: ColumnDataType;
  readonly flag: ColumnDataType;
  /** Keeps a flag column to two values where its type alone does not. */
  readonly flagCheck: (column: string, c: ColumnDefinitionBuilder) => ColumnDefinitionBuilder;
  /** Relaxes calls.role's CHECK to any lowercase name: changing a CHECK is each backend's own SQL. */
  readonly openCallRoles: Migration;
  /** An index that finds runs by a piece of their prompt, where the backend has one (SQLite: FTS5). */
  readonly promptSearch: Migration;
}

const runsAndCalls = (t: ColumnTypes): Migration => ({
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable("runs")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("consortium", "text", (c) => c.notNull())
      .addColumn("status", "text", (c) =>
        c.notNull().check(sql`status in ('running', 'completed', 'degraded', 'failed', 'interrupted')`)
      )
      .addColumn("prompt", "text", (c) => c.notNull())
      .addColumn("config_json", t.json, (c) => c.notNull())
      .addColumn("config_hash", "text", (c) => c.notNull())
      .addColumn("source_file", "text")
      .addColumn("git_commit", "text")
      .addColumn("git_dirty", t.flag)
      .addColumn("synthesis", "text")
      .addColumn("confidence", t.real)
      .addColumn("iterations", "integer", (c) => c.notNull().defaultTo(0))
      .addColumn("input_tokens", "integer", (c) => c.notNull().defaultTo(0))
      .addColumn("output_tokens", "integer", (c) => c.notNull().defaultTo(0))
      .addColumn("cost_usd", t.real)
      .addColumn("started_at", t.time, (c) => c.notNull())
      .addColumn("ended_at", t.time)
      .addColumn("duration_ms", "integer")
      .addColumn("error", "text")
      .addColumn("result_json", t.json)
      .addColumn("pid", "integer", (c) => c.notNull())
      .addColumn("hostname", "text", (c) => c.notNull())
      .execute();
    await db.schema.createIndex("runs_started_at").on("runs").column("started_at").execute();
    // Only unfinished runs are looked at by the sweep on open, so index just those.
    await db.schema
      .createIndex("runs_running")
      .on("runs")
      .columns(["hostname", "pid"])
      .where(sql.ref("status"), "=", "running")
      .execute();

    await db.schema
      .createTable("calls")
      .addColumn("id", t.serial, (c) => c.primaryKey())
      .addColumn("run_id", "text", (c) => c.notNull().references("runs.id").onDelete("cascade"))
      .addColumn("iteration", "integer", (c) => c.notNull())
      .addColumn("role", "text", (c) => c.notNull().check(sql`role in ('member', 'arbiter')`))
      .addColumn("provider", "text", (c) => c.notNull())
      .addColumn("model", "text", (c) => c.notNull())
      .addColumn("instance", "integer", (c) => c.notNull())
      .addColumn("request_json", t.json, (c) => c.notNull())
      .addColumn("answer", "text")
      .addColumn("parsed_json", t.json)
      .addColumn("input_tokens", "integer", (c) => c.notNull())
      .addColumn("output_tokens", "integer", (c) => c.notNull())
      .addColumn("latency_ms", "integer", (c) => c.notNull())
      .addColumn("attempts", "integer", (c) => c.notNull())
      .addColumn("error_json", t.json)
      .addColumn("started_at", t.time, (c) => c.notNull())
      .addColumn("ended_at", t.time, (c) => c.notNull())
      .execute();
    await db.schema.createIndex("calls_run_id").on("calls").columns(["run_id", "iteration"]).execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable("calls").execute();
    await db.schema.dropTable("runs").execute();
  }
});

const evals = (t: ColumnTypes): Migration => ({
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable("evals")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("suite", "text", (c) => c.notNull())
      .addColumn("source_file", "text")
      .addColumn("git_commit", "text")
      .addColumn("git_dirty", t.flag)
      .addColumn("config_json", t.json, (c) => c.notNull())
      .addColumn("status", "text", (c) =>
        c.notNull().check(sql`status in ('running', 'passed', 'failed', 'error', 'interrupted')`)
      )
      .addColumn("started_at", t.time, (c) => c.notNull())
      .addColumn("ended_at", t.time)
      .addColumn("summary_json", t.json)
      .addColumn("pid", "integer", (c) => c.notNull())
      .addColumn("hostname", "text", (c) => c.notNull())
      .execute();
    await db.schema.createIndex("evals_started_at").on("evals").column("started_at").execute();

    await db.schema
      .createTable("eval_results")
      .addColumn("id", t.serial, (c) => c.primaryKey())
      .addColumn("eval_id", "text", (c) => c.notNull().references("evals.id").onDelete("cascade"))
      .addColumn("case_id", "text", (c) => c.notNull())
      .addColumn("target", "text", (c) => c.notNull())
      .addColumn("run_id", "text", (c) => c.references("runs.id").onDelete("set null"))
      .addColumn("passed", t.flag, (c) => t.flagCheck("passed", c.notNull()))
      .addColumn("status", "text")
      .addColumn("output", "text")
      .addColumn("assertions_json", t.json, (c) => c.notNull())
      .addColumn("latency_ms", "integer")
      .addColumn("input_tokens", "integer")
      .addColumn("output_tokens", "integer")
      .addColumn("confidence", t.real)
      .addColumn("cost_usd", t.real)
      .addColumn("error", "text")
      .addColumn("recorded_at", t.time, (c) => c.notNull())
      .execute();
    await db.schema.createIndex("eval_results_eval_id").on("eval_results").columns(["eval_id", "case_id"]).execute();
    await db.schema.createIndex("eval_results_run_id").on("eval_results").column("run_id").execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable("eval_results").execute();
    await db.schema.dropTable("evals").execute();
  }
});

// A run continues a conversation (conversation_id: the first run's id; parent_run_id: the run it
// follows) and says who asked for it (origin: null for the CLI's run, "serve", "mcp"). Runs from
// before keep their own id as their conversation.
const conversations = (): Migration => ({
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable("runs").addColumn("conversation_id", "text").execute();
    await db.schema
      .alterTable("runs")
      .addColumn("parent_run_id", "text", (c) => c.references("runs.id").onDelete("set null"))
      .execute();
    await db.schema.alterTable("runs").addColumn("origin", "text").execute();
    await sql`update runs set conversation_id = id where conversation_id is null`.execute(db);
    await db.schema.createIndex("runs_conversation_id").on("runs").columns(["conversation_id", "started_at"]).execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropIndex("runs_conversation_id").execute();
    await db.schema.alterTable("runs").dropColumn("origin").execute();
    await db.schema.alterTable("runs").dropColumn("parent_run_id").execute();
    await db.schema.alterTable("runs").dropColumn("conversation_id").execute();
  }
});

// The viewer filters runs by consortium or status and evals by suite, newest first, a page at a time:
// these indexes keep each page a short index walk however many runs the store holds.
const listingIndexes = (): Migration => ({
  async up(db: Kysely<unknown>) {
    await db.schema
      .createIndex("runs_consortium_started_at")
      .on("runs")
      .columns(["consortium", "started_at"])
      .execute();
    await db.schema.createIndex("runs_status_started_at").on("runs").columns(["status", "started_at"]).execute();
    await db.schema.createIndex("evals_suite_started_at").on("evals").columns(["suite", "started_at"]).execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropIndex("evals_suite_started_at").execute();
    await db.schema.dropIndex("runs_status_started_at").execute();
    await db.schema.dropIndex("runs_consortium_started_at").execute();
  }
});

// Honest statuses across hosts, and one eval from many shards. A writer renews `lease_until` on what
// it is writing while it works; another host may mark a run interrupted only once its lease ran out.
// Each process of a sharded eval has its row in eval_shards; evals from before are one shard each.
const leasesAndShards = (t: ColumnTypes): Migration => ({
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable("runs").addColumn("lease_until", t.time).execute();
    await db.schema
      .createTable("eval_shards")
      .addColumn("eval_id", "text", (c) => c.notNull().references("evals.id").onDelete("cascade"))
      .addColumn("shard_index", "integer", (c) => c.notNull())
      .addColumn("shard_count", "integer", (c) => c.notNull())
      .addColumn("status", "text", (c) =>
        c.notNull().check(sql`status in ('running', 'passed', 'failed', 'error', 'interrupted')`)
      )
      .addColumn("pid", "integer", (c) => c.notNull())
      .addColumn("hostname", "text", (c) => c.notNull())
      .addColumn("lease_until", t.time)
      .addColumn("started_at", t.time, (c) => c.notNull())
      .addColumn("ended_at", t.time)
      .addColumn("summary_json", t.json)
      .addPrimaryKeyConstraint("eval_shards_pkey", ["eval_id", "shard_index"])
      .execute();
    await sql`insert into eval_shards (eval_id, shard_index, shard_count, status, pid, hostname, started_at, ended_at, summary_json)
      select id, 1, 1, status, pid, hostname, started_at, ended_at, summary_json from evals`.execute(db);
  }
});

// Each call's cost on its row, and whether a run's cost covers all its calls: a run with an unpriced
// call has only a lower bound, which `runs` and `show` must not pass off as the whole cost.
const callCosts = (t: ColumnTypes): Migration => ({
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable("calls").addColumn("cost_usd", t.real).execute();
    await db.schema.alterTable("runs").addColumn("cost_complete", t.flag).execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.alterTable("runs").dropColumn("cost_complete").execute();
    await db.schema.alterTable("calls").dropColumn("cost_usd").execute();
  }
});

// The viewer's list filtered by consortium and status at once: with one index per column, a
// combination with few or no matches walked every run of the consortium.
const runFilters = (): Migration => ({
  async up(db: Kysely<unknown>) {
    await db.schema
      .createIndex("runs_consortium_status_started_at")
      .on("runs")
      .columns(["consortium", "status", "started_at"])
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropIndex("runs_consortium_status_started_at").execute();
  }
});

// A consortium may answer as a member of another: its run records the run it answered for
// (outer_run_id) and the member call that asked for it records that run (inner_run_id). Under
// Mixture-of-Agents layers a member answers several times a round: each call records its layer.
const nestingAndLayers = (): Migration => ({
  async up(db: Kysely<unknown>) {
    await db.schema
      .alterTable("runs")
      .addColumn("outer_run_id", "text", (c) => c.references("runs.id").onDelete("set null"))
      .execute();
    await db.schema.alterTable("calls").addColumn("inner_run_id", "text").execute();
    await db.schema.alterTable("calls").addColumn("layer", "integer").execute();
    await db.schema.createIndex("runs_outer_run_id").on("runs").column("outer_run_id").execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropIndex("runs_outer_run_id").execute();
    await db.schema.alterTable("calls").dropColumn("layer").execute();
    await db.schema.alterTable("calls").dropColumn("inner_run_id").execute();
    await db.schema.alterTable("runs").dropColumn("outer_run_id").execute();
  }
});

/** Every migration, in order, for a backend's column types. */
export const migrationsFor = (types: ColumnTypes): Readonly<Record<string, Migration>> => ({
  "0001_runs_and_calls": runsAndCalls(types),
  "0002_evals": evals(types),
  "0003_conversations": conversations(),
  "0004_open_call_roles": types.openCallRoles,
  "0005_listing_indexes": listingIndexes(),
  "0006_leases_and_shards": leasesAndShards(types),
  "0007_call_costs": callCosts(types),
  "0008_run_filters": runFilters(),
  "0009_nesting_and_layers": nestingAndLayers(),
  "0010_prompt_search": types.promptSearch,
  "0011_configs_by_hash": configsByHash(types),
  "0012_results_refer_to_calls": resultsReferToCalls(types),
  "0013_one_shard_report_once": oneShardReportOnce(),
  "0014_reports_refer_to_results": reportsReferToResults(types)
});

export const latestMigration = "0014_reports_refer_to_results";

/** Serves a list of migrations (or a prefix of one, for tests of older databases) to kysely's Migrator. */
export const inCodeMigrations = (list: Readonly<Record<string, Migration>>): MigrationProvider => ({
  getMigrations: () => Promise.resolve({ ...list })
});
