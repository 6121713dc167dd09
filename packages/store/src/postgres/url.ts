// What a location says about PostgreSQL, without loading the `pg` client: every SQLite start-up asks.

export const isPostgresUrl = (location: string): boolean => /^postgres(ql)?:\/\//i.test(location);

/** Query parameters libpq and node-postgres read a secret from: a password, or a client key's. */
const SECRET_PARAMS = ["password", "sslpassword", "sslkey"] as const;

/** The URL as messages show it: never the password, whether in the user part or the query. */
export const displayUrl = (url: string): string => {
  try {
    const parsed = new URL(url);
    parsed.password = "";
    for (const name of SECRET_PARAMS) parsed.searchParams.delete(name);
    return parsed.toString();
  } catch {
    return url
      .replace(/\/\/[^@/]*@/, "//")
      .replace(new RegExp(`([?&])(?:${SECRET_PARAMS.join("|")})=[^&#]*&?`, "gi"), "$1")
      .replace(/[?&]$/, "");
  }
};
