import { DURATION_PATTERN, parseDuration } from "@consortium/config";
import { describe, expect, it } from "@effect/vitest";
import * as Either from "effect/Either";
import * as fc from "fast-check";

describe("parseDuration", () => {
  it("reads units and plain seconds into milliseconds", () => {
    expect(parseDuration("500ms")).toEqual(Either.right(500));
    expect(parseDuration("30s")).toEqual(Either.right(30_000));
    expect(parseDuration("2m")).toEqual(Either.right(120_000));
    expect(parseDuration("1h")).toEqual(Either.right(3_600_000));
    expect(parseDuration("1.5s")).toEqual(Either.right(1_500));
    expect(parseDuration("45")).toEqual(Either.right(45_000));
    expect(parseDuration(30)).toEqual(Either.right(30_000));
    expect(parseDuration(0.25)).toEqual(Either.right(250));
  });

  it("refuses what it cannot read, saying what it accepts", () => {
    for (const bad of ["30 seconds", "2 m", "-1s", "1d", "", "s"]) {
      expect(Either.isLeft(parseDuration(bad))).toBe(true);
    }
    expect(Either.getLeft(parseDuration("1d"))._tag).toBe("Some");
    expect(Either.isLeft(parseDuration(-1))).toBe(true);
    expect(Either.isLeft(parseDuration(Number.NaN))).toBe(true);
  });

  it("accepts exactly the strings the published pattern accepts", () => {
    const pattern = new RegExp(DURATION_PATTERN);
    fc.assert(
      fc.property(
        fc.oneof(fc.string({ maxLength: 8 }), fc.stringMatching(/^\d{1,4}(\.\d{1,2})?(ms|s|m|h|d)?$/)),
        (text) => {
          expect(Either.isRight(parseDuration(text))).toBe(pattern.test(text));
        }
      )
    );
  });
});
