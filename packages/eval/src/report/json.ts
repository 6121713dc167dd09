import { inertJson } from "@consortium/engine";
import type { EvalReport } from "./types.js";

/**
 * `-o report.json`: the whole report (it is plain data). The answers stay exactly as the models wrote
 * them, since a dashboard or a diff of two reports wants the real text; the controls JSON would leave
 * raw are written as escapes, so the file does nothing to a terminal that shows it.
 */
export const renderJson = (report: EvalReport): string => `${inertJson(JSON.stringify(report, null, 2))}\n`;
