import {
  CompiledQuery,
  type DatabaseConnection,
  type Driver,
  type QueryCompiler,
  SqliteDialect,
  type SqliteDialectConfig,
  SqliteDriver,
  SqliteQueryCompiler
} from "kysely";

// kysely opens SQLite transactions with a plain (deferred) `begin`: the write lock is taken at the
// first write, and if another process committed since this transaction's first read, SQLite answers
// SQLITE_BUSY at once, without waiting for busy_timeout. Every transaction this store runs writes, so
// take the write lock up front with `begin immediate`, where busy_timeout does apply.

class ImmediateSqliteDriver extends SqliteDriver {
  readonly #database: SqliteDialectConfig["database"];

  constructor(config: SqliteDialectConfig) {
    super(config);
    this.#database = config.database;
  }

  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw("begin immediate"));
  }

  // On some errors (a full disk, an I/O error) SQLite has already rolled the transaction back by
  // itself; a second rollback would fail with "no transaction is active", and that failure would be
  // reported instead of the one that explains what happened.
  override async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    const database = this.#database;
    // better-sqlite3 says whether a transaction is open; kysely's narrower type does not list it
    if (typeof database !== "function" && (database as { inTransaction?: boolean }).inTransaction === false) return;
    await super.rollbackTransaction(connection);
  }
}

/** SQLite has no boolean type and better-sqlite3 refuses to bind one: flags are stored as 0 / 1. */
class FlagsAsNumbersCompiler extends SqliteQueryCompiler {
  protected override appendValue(parameter: unknown): void {
    super.appendValue(typeof parameter === "boolean" ? Number(parameter) : parameter);
  }
}

export class ImmediateSqliteDialect extends SqliteDialect {
  readonly #config: SqliteDialectConfig;

  constructor(config: SqliteDialectConfig) {
    super(config);
    this.#config = config;
  }

  override createDriver(): Driver {
    return new ImmediateSqliteDriver(this.#config);
  }

  override createQueryCompiler(): QueryCompiler {
    return new FlagsAsNumbersCompiler();
  }
}
