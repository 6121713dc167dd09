import { type EvalReport, outcomeOf } from "@consortium/eval";
import type { StoredEval, StoredRun } from "@consortium/store";
import { matrixFromReport, matrixFromStored } from "./model/evalMatrix.js";
import { renderEvalPage } from "./render/evalPage.js";
import { renderRunPage } from "./render/runPage.js";

// The self-contained files for CI artifacts: one HTML document each, every byte inline, no URL loaded.

/** `consortium show <id> --html run.html` */
export const runReportHtml = (run: StoredRun): string => renderRunPage(run, { mode: "file" });

/** `consortium show <eval-id> --html report.html`: the same report, read back from the store. */
export const storedEvalReportHtml = (stored: StoredEval): string =>
  renderEvalPage(matrixFromStored(stored), { mode: "file" });

/** `consortium eval … --html report.html` */
export const evalReportHtml = (report: EvalReport): string =>
  renderEvalPage(matrixFromReport(report, report.interrupted === undefined ? outcomeOf(report) : "interrupted"), {
    mode: "file"
  });
