import { PostgresDialect, type PostgresDialectConfig, PostgresQueryCompiler, type QueryCompiler } from "kysely";

// PostgreSQL refuses the NUL character in text and jsonb, and model output is untrusted: an answer
// holding one must not lose its whole row. Every string bound for the server has NUL, raw or as the
// JSON escape, replaced with U+FFFD.

export const withoutNul = (text: string): string =>
  text.includes("\u0000") || text.includes("\\u0000")
    ? text.replaceAll("\u0000", "\uFFFD").replaceAll("\\u0000", "\\ufffd")
    : text;

class NulFreeCompiler extends PostgresQueryCompiler {
  protected override appendValue(parameter: unknown): void {
    super.appendValue(typeof parameter === "string" ? withoutNul(parameter) : parameter);
  }
}

export class PostgresStoreDialect extends PostgresDialect {
  constructor(config: PostgresDialectConfig) {
    super(config);
  }

  override createQueryCompiler(): QueryCompiler {
    return new NulFreeCompiler();
  }
}
