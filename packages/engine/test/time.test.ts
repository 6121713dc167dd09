import { describe, expect, it } from "vitest";
import { iso } from "../src/text/time.js";

// iso() reuses the text of the last second it wrote; every timestamp must still read as Date's own.

describe("iso", () => {
  it("writes every millisecond as toISOString does, in any order, across seconds, days and years", () => {
    const base = Date.UTC(2026, 10, 30, 23, 59, 59, 990);
    const times = [
      base,
      base + 5,
      base + 9,
      base + 10, // the next second, and the next day
      base + 3,
      base + 1010,
      base + 1000,
      base + 999,
      Date.UTC(2026, 11, 31, 23, 59, 59, 999),
      Date.UTC(2027, 0, 1, 0, 0, 0, 0),
      0,
      999,
      1000,
      -1,
      -1001,
      253_402_300_799_999,
      253_402_300_800_000,
      base + 0.5,
      base + 1
    ];
    for (const ms of times) expect([ms, iso(ms)]).toEqual([ms, new Date(ms).toISOString()]);
    for (let ms = base - 2500; ms < base + 2500; ms += 7) expect(iso(ms)).toBe(new Date(ms).toISOString());
  });
});
