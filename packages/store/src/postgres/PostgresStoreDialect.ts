import { PostgresDialect, type PostgresDialectConfig, PostgresQueryCompiler, type QueryCompiler } from "kysely";

// PostgreSQL takes only well-formed text: it refuses NUL in text and jsonb, and jsonb refuses the
// JSON escape of an unpaired UTF-16 surrogate ("invalid input syntax for type json"), which is how
// JSON.stringify writes one. Model output is untrusted and may hold either; a row refused for it
// would be lost, and the run's later rows with it. So every string bound for the server has NUL and
// unpaired surrogates replaced with U+FFFD: raw ones always, escaped ones in a string that is JSON
// (plain text such as an answer explaining "\u0000" is stored as written).

/** A high surrogate not followed by a low one, or a low one not preceded by a high one. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
const ANY_SURROGATE = /[\ud800-\udfff]/;
/** An escaped backslash, or an escape PostgreSQL refuses, or a surrogate pair escaped whole. */
const ESCAPE = /\\(?:\\|u0000|ud[89ab][0-9a-f]{2}(?:\\ud[c-f][0-9a-f]{2})?|ud[c-f][0-9a-f]{2})/gi;
const REFUSED_ESCAPE = /\\u(?:0000|d[89a-f])/i;

const keepOrReplace = (found: string): string => (found === "\\\\" || found.length === 12 ? found : "\\ufffd");

const isJson = (text: string): boolean => {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
};

/** `text` as PostgreSQL will take it; the same string when there is nothing to replace. */
export const wellFormedText = (text: string): string => {
  let out = text.includes("\u0000") ? text.replaceAll("\u0000", "\uFFFD") : text;
  if (ANY_SURROGATE.test(out)) out = out.replace(LONE_SURROGATE, "\uFFFD");
  // Left to right, so "\\u0000" (an escaped backslash, then "u0000") is never read as an escape.
  if (out.includes("\\u") && REFUSED_ESCAPE.test(out) && isJson(out)) out = out.replace(ESCAPE, keepOrReplace);
  return out;
};

class WellFormedCompiler extends PostgresQueryCompiler {
  protected override appendValue(parameter: unknown): void {
    super.appendValue(typeof parameter === "string" ? wellFormedText(parameter) : parameter);
  }
}

export class PostgresStoreDialect extends PostgresDialect {
  constructor(config: PostgresDialectConfig) {
    super(config);
  }

  override createQueryCompiler(): QueryCompiler {
    return new WellFormedCompiler();
  }
}
