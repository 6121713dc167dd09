import { resolveDbPath } from "@consortium/store";
import { describe, expect, it } from "vitest";

describe("resolveDbPath", () => {
  const env = { CONSORTIUM_DB: "/env/c.db", XDG_DATA_HOME: "/xdg", HOME: "/home/ada" };

  it("prefers --db, then CONSORTIUM_DB, then XDG_DATA_HOME, then ~/.local/share", () => {
    expect(resolveDbPath({ flag: "/flag/c.db", env })).toBe("/flag/c.db");
    expect(resolveDbPath({ env })).toBe("/env/c.db");
    expect(resolveDbPath({ env: { ...env, CONSORTIUM_DB: undefined } })).toBe("/xdg/consortium/consortium.db");
    expect(resolveDbPath({ env: { HOME: "/home/ada" } })).toBe("/home/ada/.local/share/consortium/consortium.db");
  });

  it("treats empty values as unset and ignores a relative XDG_DATA_HOME, as the XDG spec says", () => {
    expect(resolveDbPath({ flag: "", env: { CONSORTIUM_DB: "", XDG_DATA_HOME: "data", HOME: "/h" } })).toBe(
      "/h/.local/share/consortium/consortium.db"
    );
  });

  it("reads process.env when no env is given", () => {
    const saved = process.env.CONSORTIUM_DB;
    process.env.CONSORTIUM_DB = "/from/process/env.db";
    try {
      expect(resolveDbPath()).toBe("/from/process/env.db");
    } finally {
      if (saved === undefined) delete process.env.CONSORTIUM_DB;
      else process.env.CONSORTIUM_DB = saved;
    }
  });
});
