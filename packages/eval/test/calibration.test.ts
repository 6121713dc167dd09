import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { calibrate, calibrationLine } from "../src/report/calibration.js";
import type { CaseReport } from "../src/report/types.js";
import { result } from "./fixtures.js";

const cases = (entries: ReadonlyArray<readonly [confidence: number | null, pass: boolean]>): Array<CaseReport> =>
  entries.map(([confidence, pass], index) => ({
    id: `c${index}`,
    prompt: "p",
    results: [
      result({ target: "research", confidence, pass, status: confidence === null ? "failed" : "completed" }),
      result({ target: "solo", pass: true })
    ]
  }));

describe("calibration", () => {
  it("bins final confidences with their pass rates, and the pass rate at or above the threshold", () => {
    const calibration = calibrate(
      "research",
      0.8,
      cases([
        [0.2, false],
        [0.6, true],
        [0.65, false],
        [0.85, true],
        [0.95, true],
        [1, false],
        [null, false]
      ])
    );
    expect(calibration.bins.map((bin) => [bin.label, bin.cases, bin.passed])).toEqual([
      ["<0.5", 1, 0],
      ["0.5-0.7", 2, 1],
      ["0.7-0.8", 0, 0],
      ["0.8-0.9", 1, 1],
      [">=0.9", 2, 1]
    ]);
    expect(calibration.noConfidence).toBe(1);
    expect(calibration.atOrAboveThreshold).toEqual({ cases: 3, passed: 2, passRate: 2 / 3 });
    expect(calibrationLine(calibration)).toContain("at or above its threshold 0.8: 2/3 passed (67%)");
  });

  it("bins add up to the case count, whatever the confidences", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: null }), fc.boolean())),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (entries, threshold) => {
          const calibration = calibrate("research", threshold, cases(entries));
          const binned = calibration.bins.reduce((sum, bin) => sum + bin.cases, 0);
          expect(binned + calibration.noConfidence).toBe(entries.length);
          expect(calibration.bins.reduce((sum, bin) => sum + bin.passed, 0)).toBe(
            entries.filter(([confidence, pass]) => confidence !== null && pass).length
          );
        }
      )
    );
  });
});
