import { alignColumns, formatConfidence, formatCost, formatCount, formatDuration, oneLine } from "@consortium/engine";
import type { RunSummary } from "../types.js";
import { formatTime } from "./text.js";

// `consortium runs`: one line per run, newest first, columns aligned, the prompt cut to fit.

const MIN_ID_LENGTH = 8;
const PROMPT_WIDTH = 48;
const NUMERIC_COLUMNS = new Set([4, 5, 6, 7, 8]);

/**
 * The shortest prefix, at least 8 characters, that tells these ids apart; `consortium show` accepts
 * any unique prefix, as git does.
 */
export const shortIds = (ids: ReadonlyArray<string>): ReadonlyArray<string> => {
  const longest = Math.max(0, ...ids.map((id) => id.length));
  for (let length = MIN_ID_LENGTH; length < longest; length++) {
    const prefixes = ids.map((id) => id.slice(0, length));
    if (new Set(prefixes).size === new Set(ids).size) return prefixes;
  }
  return ids;
};

const tokens = (run: RunSummary): string => formatCount(run.inputTokens + run.outputTokens);

/**
 * A lower bound is marked as one, and a run no call of which had a price says so rather than "-"; a
 * run still going shows what its finished calls cost so far, said to be so far.
 */
export const formatRunCost = (run: Pick<RunSummary, "costUsd" | "costComplete" | "status">): string => {
  const cost =
    run.costComplete !== false
      ? formatCost(run.costUsd)
      : run.costUsd === null
        ? "no price"
        : `≥${formatCost(run.costUsd)}`;
  return run.status === "running" && run.costUsd !== null ? `${cost} so far` : cost;
};

const LOWER_BOUND_NOTE = "≥: some calls had no price; the cost shown is a lower bound";

/**
 * Who asked, when it was not `consortium run`: served, MCP and eval runs stand out in the list, and so
 * do included consortia's runs, which start after their outer run and so are listed above it. They stay
 * listed (their calls cost as much as any), marked, as `gh run list` lists runs other runs triggered.
 */
const statusWithWhy = (run: RunSummary): string => {
  const why = [run.origin, typeof run.outerRunId === "string" ? "nested" : null].filter(
    (part): part is string => typeof part === "string"
  );
  return why.length === 0 ? run.status : `${run.status} (${why.join(", ")})`;
};

export const formatRunsTable = (runs: ReadonlyArray<RunSummary>): string => {
  if (runs.length === 0) return "No runs recorded yet.";
  const ids = shortIds(runs.map((run) => run.id));
  const header = [
    "ID",
    "CONSORTIUM",
    "STATUS",
    "STARTED (UTC)",
    "DURATION",
    "ITER",
    "CONF",
    "TOKENS",
    "COST",
    "PROMPT"
  ];
  const rows = runs.map((run, index) => [
    ids[index] ?? run.id,
    run.consortium,
    statusWithWhy(run),
    formatTime(run.startedAt),
    formatDuration(run.durationMs),
    String(run.iterations),
    formatConfidence(run.confidence),
    tokens(run),
    formatRunCost(run),
    oneLine(run.promptHead, PROMPT_WIDTH)
  ]);
  // Numbers read better right-aligned.
  const lines = [...alignColumns([header, ...rows], NUMERIC_COLUMNS)];
  if (runs.some((run) => run.costComplete === false && run.costUsd !== null)) lines.push("", LOWER_BOUND_NOTE);
  return lines.join("\n");
};
