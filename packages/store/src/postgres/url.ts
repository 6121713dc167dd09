// What a location says about PostgreSQL, without loading the `pg` client: every SQLite start-up asks.

export const isPostgresUrl = (location: string): boolean => /^postgres(ql)?:\/\//i.test(location);

/** The URL as messages show it: never the password. */
export const displayUrl = (url: string): string => {
  try {
    const parsed = new URL(url);
    parsed.password = "";
    return parsed.toString();
  } catch {
    return url.replace(/\/\/[^@/]*@/, "//");
  }
};
