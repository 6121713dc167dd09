import {
  CompiledQuery,
  type DatabaseConnection,
  type Driver,
  SqliteDialect,
  type SqliteDialectConfig,
  SqliteDriver
} from "kysely";

// kysely opens SQLite transactions with a plain (deferred) `begin`: the write lock is taken at the
// first write, and if another process committed since this transaction's first read, SQLite answers
// SQLITE_BUSY at once, without waiting for busy_timeout. Every transaction this store runs writes, so
// take the write lock up front with `begin immediate`, where busy_timeout does apply.

class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw("begin immediate"));
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
}
