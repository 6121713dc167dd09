export { escapeHtml, jsonForScript } from "./html/escape.js";
export { renderMarkdown, safeUrl } from "./html/markdown.js";
export { contentSecurityPolicy } from "./html/page.js";
export { type EvalMatrix, matrixFromReport, matrixFromStored } from "./model/evalMatrix.js";
export { roundsOf } from "./model/runView.js";
export { renderEvalPage } from "./render/evalPage.js";
export { renderRunPage } from "./render/runPage.js";
export { evalReportHtml, runReportHtml } from "./reports.js";
