// Substring search with LIKE / ILIKE, shared by the backends' DialectSql.

/** `%`, `_` and the escape character mean themselves inside the LIKE pattern (standard SQL ESCAPE). */
export const likeContains = (text: string): string => `%${text.replace(/[\\%_]/g, (char) => `\\${char}`)}%`;
