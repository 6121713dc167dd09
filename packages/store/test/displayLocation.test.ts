import { displayLocation } from "@consortium/store";
import { describe, expect, it } from "vitest";

// Every message and `db status` show a database location through displayLocation: libpq and
// node-postgres take a password from the URL's user part or from its query, and neither may show.

describe("displayLocation", () => {
  it("drops a password from the user part and from the query, keeping the rest", () => {
    expect(displayLocation("postgres://team:pw-user-1@db.example:5432/runs?sslmode=require")).toBe(
      "postgres://team@db.example:5432/runs?sslmode=require"
    );
    expect(
      displayLocation("postgresql://team@db.example/runs?password=pw-query-2&pool=8&sslpassword=pw-key-3&sslkey=/k")
    ).toBe("postgresql://team@db.example/runs?pool=8");
    expect(displayLocation("/home/me/.consortium/history.db")).toBe("/home/me/.consortium/history.db");
  });

  it("drops them from a URL too malformed to parse", () => {
    const shown = displayLocation("postgres://team:pw-user-4@[bad/runs?PASSWORD=pw-query-5&pool=2");
    expect(shown).not.toContain("pw-user-4");
    expect(shown).not.toContain("pw-query-5");
    expect(shown).toContain("pool=2");
  });
});
