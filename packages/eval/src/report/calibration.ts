import type { CaseReport } from "./types.js";

// Does the arbiter's confidence mean anything? For each consortium target, its final confidences in
// bins with how often the cases in each bin passed, and the pass rate of the cases at or above its
// confidence_threshold (the answers it would have called good enough). Pure, from the results.

export interface CalibrationBin {
  /** "<0.5", "0.5-0.7", ... ; `from` inclusive, `to` exclusive (the last bin includes 1). */
  readonly label: string;
  readonly from: number;
  readonly to: number;
  readonly cases: number;
  readonly passed: number;
  /** null when the bin is empty. */
  readonly passRate: number | null;
}

export interface Calibration {
  readonly target: string;
  readonly threshold: number;
  readonly bins: ReadonlyArray<CalibrationBin>;
  /** Results without a confidence (the run failed, or was skipped); bins plus these are every case. */
  readonly noConfidence: number;
  readonly atOrAboveThreshold: { readonly cases: number; readonly passed: number; readonly passRate: number | null };
}

export const CALIBRATION_EDGES: ReadonlyArray<number> = [0, 0.5, 0.7, 0.8, 0.9, 1];

const label = (from: number, to: number, last: boolean): string =>
  from === 0 ? `<${to}` : last ? `>=${from}` : `${from}-${to}`;

const rate = (passed: number, cases: number): number | null => (cases === 0 ? null : passed / cases);

export const calibrate = (target: string, threshold: number, cases: ReadonlyArray<CaseReport>): Calibration => {
  const results = cases.flatMap((suiteCase) => suiteCase.results.filter((result) => result.target === target));
  const scored = results.filter((result) => result.confidence !== null) as ReadonlyArray<
    (typeof results)[number] & { readonly confidence: number }
  >;
  const bins = CALIBRATION_EDGES.slice(0, -1).map((from, index): CalibrationBin => {
    const to = CALIBRATION_EDGES[index + 1]!;
    const last = index === CALIBRATION_EDGES.length - 2;
    const inBin = scored.filter((result) => result.confidence >= from && (last || result.confidence < to));
    const passed = inBin.filter((result) => result.pass).length;
    return {
      label: label(from, to, last),
      from,
      to,
      cases: inBin.length,
      passed,
      passRate: rate(passed, inBin.length)
    };
  });
  const confident = scored.filter((result) => result.confidence >= threshold);
  const confidentPassed = confident.filter((result) => result.pass).length;
  return {
    target,
    threshold,
    bins,
    noConfidence: results.length - scored.length,
    atOrAboveThreshold: {
      cases: confident.length,
      passed: confidentPassed,
      passRate: rate(confidentPassed, confident.length)
    }
  };
};

/** One line per consortium for the terminal and Markdown: "research (threshold 0.80): <0.5 1/2 · ...". */
export const calibrationLine = (calibration: Calibration): string => {
  const pct = (value: number | null) => (value === null ? "-" : `${Math.round(value * 100)}%`);
  const bins = calibration.bins
    .filter((bin) => bin.cases > 0)
    .map((bin) => `${bin.label}: ${bin.passed}/${bin.cases} passed (${pct(bin.passRate)})`);
  const above = calibration.atOrAboveThreshold;
  return (
    `${calibration.target}: ${bins.length === 0 ? "no confidences" : bins.join(" · ")}; ` +
    `at or above its threshold ${calibration.threshold}: ${above.passed}/${above.cases} passed (${pct(above.passRate)})`
  );
};
