import { describe, expect, it } from "vitest";
import { evalReportHtml } from "../src/index.js";
import { evalReport } from "./fixtures.js";

// An eval with an unpriced call shows the priced part of its cost as the lower bound it is, as the
// terminal table and the runs list do, never as a complete cost.

describe("the eval report page's costs", () => {
  it("marks a target's and a result's lower bound with ≥", () => {
    const report = evalReport();
    const [first, ...rest] = report.targets;
    const [capital, ...others] = report.cases;
    const [research, ...results] = capital!.results;
    const bounded = {
      ...report,
      targets: [{ ...first!, costUsd: 0.0046, costComplete: false }, ...rest],
      cases: [{ ...capital!, results: [{ ...research!, costUsd: 0.0021, costComplete: false }, ...results] }, ...others]
    };
    const page = evalReportHtml(bounded);
    expect(page).toContain("≥$0.0046");
    expect(page).toContain("≥$0.0021");
    expect(evalReportHtml(report)).not.toContain("≥");
  });
});

describe("an interrupted eval's report page", () => {
  it("says interrupted, not passed", () => {
    const page = evalReportHtml({ ...evalReport(), interrupted: { resultsPlanned: 9 } });
    expect(page).toMatch(
      /<h1>Eval <span class="mono">[^<]*<\/span> <span class="badge interrupted">interrupted<\/span>/
    );
  });
});
