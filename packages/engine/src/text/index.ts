// How numbers, times and long texts look in a terminal or a report. Also `@consortium/engine/text`,
// so code that must start fast (the CLI's command tree) takes these without loading the engine.
export * as ansi from "./ansi.js";
export { inertJson, safeStyledText, safeText } from "./controls.js";
export { formatDuration } from "./duration.js";
export { oneLine, plural } from "./line.js";
export { logLine, stderrLogger } from "./logLine.js";
export { formatConfidence, formatCount, formatRate } from "./numbers.js";
export { alignColumns } from "./table.js";
export { iso } from "./time.js";
export { formatCost, formatCostBound, formatUsd } from "./usd.js";
