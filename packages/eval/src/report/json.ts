import type { EvalReport } from "./types.js";

/** `-o report.json`: the whole report, as is (it is plain data). */
export const renderJson = (report: EvalReport): string => `${JSON.stringify(report, null, 2)}\n`;
