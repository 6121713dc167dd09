import { type Kysely, type Migration, type MigrationProvider, Migrator, sql } from "kysely";
import { openCallRoles } from "./openCallRoles.js";

// Versioned schema changes, listed in code rather than read from a folder: the CLI is one bundled
// file, so there is no folder to scan. Names sort in order; never edit a released migration, add one.

const runsAndCalls: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable("runs")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("consortium", "text", (c) => c.notNull())
      .addColumn("status", "text", (c) =>
        c.notNull().check(sql`status in ('running', 'completed', 'degraded', 'failed', 'interrupted')`)
      )
      .addColumn("prompt", "text", (c) => c.notNull())
      .addColumn("config_json", "text", (c) => c.notNull())
      .addColumn("config_hash", "text", (c) => c.notNull())
      .addColumn("source_file", "text")
      .addColumn("git_commit", "text")
      .addColumn("git_dirty", "integer")
      .addColumn("synthesis", "text")
      .addColumn("confidence", "real")
      .addColumn("iterations", "integer", (c) => c.notNull().defaultTo(0))
      .addColumn("input_tokens", "integer", (c) => c.notNull().defaultTo(0))
      .addColumn("output_tokens", "integer", (c) => c.notNull().defaultTo(0))
      .addColumn("cost_usd", "real")
      .addColumn("started_at", "text", (c) => c.notNull())
      .addColumn("ended_at", "text")
      .addColumn("duration_ms", "integer")
      .addColumn("error", "text")
      .addColumn("result_json", "text")
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
      .addColumn("id", "integer", (c) => c.primaryKey())
      .addColumn("run_id", "text", (c) => c.notNull().references("runs.id").onDelete("cascade"))
      .addColumn("iteration", "integer", (c) => c.notNull())
      .addColumn("role", "text", (c) => c.notNull().check(sql`role in ('member', 'arbiter')`))
      .addColumn("provider", "text", (c) => c.notNull())
      .addColumn("model", "text", (c) => c.notNull())
      .addColumn("instance", "integer", (c) => c.notNull())
      .addColumn("request_json", "text", (c) => c.notNull())
      .addColumn("answer", "text")
      .addColumn("parsed_json", "text")
      .addColumn("input_tokens", "integer", (c) => c.notNull())
      .addColumn("output_tokens", "integer", (c) => c.notNull())
      .addColumn("latency_ms", "integer", (c) => c.notNull())
      .addColumn("attempts", "integer", (c) => c.notNull())
      .addColumn("error_json", "text")
      .addColumn("started_at", "text", (c) => c.notNull())
      .addColumn("ended_at", "text", (c) => c.notNull())
      .execute();
    await db.schema.createIndex("calls_run_id").on("calls").columns(["run_id", "iteration"]).execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable("calls").execute();
    await db.schema.dropTable("runs").execute();
  }
};

const evals: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable("evals")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("suite", "text", (c) => c.notNull())
      .addColumn("source_file", "text")
      .addColumn("git_commit", "text")
      .addColumn("git_dirty", "integer")
      .addColumn("config_json", "text", (c) => c.notNull())
      .addColumn("status", "text", (c) =>
        c.notNull().check(sql`status in ('running', 'passed', 'failed', 'error', 'interrupted')`)
      )
      .addColumn("started_at", "text", (c) => c.notNull())
      .addColumn("ended_at", "text")
      .addColumn("summary_json", "text")
      .addColumn("pid", "integer", (c) => c.notNull())
      .addColumn("hostname", "text", (c) => c.notNull())
      .execute();
    await db.schema.createIndex("evals_started_at").on("evals").column("started_at").execute();

    await db.schema
      .createTable("eval_results")
      .addColumn("id", "integer", (c) => c.primaryKey())
      .addColumn("eval_id", "text", (c) => c.notNull().references("evals.id").onDelete("cascade"))
      .addColumn("case_id", "text", (c) => c.notNull())
      .addColumn("target", "text", (c) => c.notNull())
      .addColumn("run_id", "text", (c) => c.references("runs.id").onDelete("set null"))
      .addColumn("passed", "integer", (c) => c.notNull().check(sql`passed in (0, 1)`))
      .addColumn("status", "text")
      .addColumn("output", "text")
      .addColumn("assertions_json", "text", (c) => c.notNull())
      .addColumn("latency_ms", "integer")
      .addColumn("input_tokens", "integer")
      .addColumn("output_tokens", "integer")
      .addColumn("confidence", "real")
      .addColumn("cost_usd", "real")
      .addColumn("error", "text")
      .addColumn("recorded_at", "text", (c) => c.notNull())
      .execute();
    await db.schema.createIndex("eval_results_eval_id").on("eval_results").columns(["eval_id", "case_id"]).execute();
    await db.schema.createIndex("eval_results_run_id").on("eval_results").column("run_id").execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable("eval_results").execute();
    await db.schema.dropTable("evals").execute();
  }
};

// A run continues a conversation (conversation_id: the first run's id; parent_run_id: the run it
// follows) and says who asked for it (origin: null for the CLI's run, "serve", "mcp"). Runs from
// before keep their own id as their conversation.
const conversations: Migration = {
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
};

export const migrations: Readonly<Record<string, Migration>> = {
  "0001_runs_and_calls": runsAndCalls,
  "0002_evals": evals,
  "0003_conversations": conversations,
  "0004_open_call_roles": openCallRoles
};

export const latestMigration = "0004_open_call_roles";

/** Serves `migrations` (or a prefix of them, for tests of older databases) to kysely's Migrator. */
export const inCodeMigrations = (list: Readonly<Record<string, Migration>> = migrations): MigrationProvider => ({
  getMigrations: () => Promise.resolve({ ...list })
});

export const makeMigrator = (db: Kysely<unknown>, list?: Readonly<Record<string, Migration>>): Migrator =>
  new Migrator({ db, provider: inCodeMigrations(list) });
