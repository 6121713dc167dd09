import { describe, expect, it } from "vitest";
import { wellFormedText } from "../src/postgres/PostgresStoreDialect.js";

// What PostgreSQL is sent in place of text it would refuse (the round trip through a real server is
// in backends.test.ts).

describe("wellFormedText", () => {
  it("leaves well-formed text as it is, emoji and escaped pairs included", () => {
    for (const text of ["plain", "\ud83d\ude00", '{"a":"\\ud83d\\ude00"}', '{"a":"\\n\\u00e9"}', ""]) {
      expect(wellFormedText(text)).toBe(text);
    }
  });

  it("replaces NUL and unpaired surrogates, raw, with U+FFFD", () => {
    expect(wellFormedText("a\u0000b \ud800 c \udc00 d \udbff\udfff")).toBe("a\uFFFDb \uFFFD c \uFFFD d \udbff\udfff");
    expect(wellFormedText("\udc00\ud800")).toBe("\uFFFD\uFFFD");
  });

  it("replaces the JSON escapes PostgreSQL refuses in JSON, never an escaped backslash's letters", () => {
    const value = { lone: "x\ud800y", low: "\udc00", nul: "a\u0000b", pair: "\ud83d\ude00", slash: "\\ud800 \\u0000" };
    const fixed = wellFormedText(JSON.stringify(value));
    expect(JSON.parse(fixed)).toEqual({
      lone: "x\uFFFDy",
      low: "\uFFFD",
      nul: "a\uFFFDb",
      pair: "\ud83d\ude00",
      slash: "\\ud800 \\u0000"
    });
  });

  it("stores plain text that only mentions an escape as written", () => {
    expect(wellFormedText("write NUL as \\u0000 and a lone half as \\ud800")).toBe(
      "write NUL as \\u0000 and a lone half as \\ud800"
    );
  });
});
