import { type EvalReport, outcomeOf } from "@consortium/eval";
import type { StoredRun } from "@consortium/store";
import { matrixFromReport } from "./model/evalMatrix.js";
import { renderEvalPage } from "./render/evalPage.js";
import { renderRunPage } from "./render/runPage.js";

// The self-contained files for CI artifacts: one HTML document each, every byte inline, no URL loaded.

/** `consortium show <id> --html run.html` */
export const runReportHtml = (run: StoredRun): string => renderRunPage(run, { mode: "file" });

/** `consortium eval … --html report.html` */
export const evalReportHtml = (report: EvalReport): string =>
  renderEvalPage(matrixFromReport(report, outcomeOf(report)), { mode: "file" });
