import type { Selectable } from "kysely";
import type { EvalResultsTable } from "../Database.js";
import { parseJson } from "../parseJson.js";
import { type SameJson, sameJsonText } from "../runs/resultCalls.js";

// An eval's report repeats, for every case and target, what that case's `eval_results` row holds:
// the output, the assertions, the tokens, latency, cost, status and error. Stored as is, the report
// was the largest text of an eval after its calls. So a case's result the row gives back exactly is
// stored as a reference, `{ "$result": "<target>", "runId": …, … }` (what the row does not hold), and
// put back when the eval is read. As with a run's result (runs/resultCalls.ts), a reference is
// written only when rebuilding from the row gives the object back exactly, and only to rows committed.

/** The columns of a case's result row a reference rebuilds from (as written, or as read back). */
export type ResultColumns = Pick<
  Selectable<EvalResultsTable>,
  | "case_id"
  | "target"
  | "passed"
  | "status"
  | "output"
  | "assertions_json"
  | "latency_ms"
  | "input_tokens"
  | "output_tokens"
  | "confidence"
  | "cost_usd"
  | "error"
>;

type Json = Readonly<Record<string, unknown>>;

const isObject = (value: unknown): value is Json =>
  typeof value === "object" && value !== null && !Array.isArray(value);

const fromRow: Readonly<Record<string, (row: ResultColumns) => unknown>> = {
  target: (row) => row.target,
  pass: (row) => row.passed === true || row.passed === 1,
  output: (row) => row.output,
  confidence: (row) => row.confidence,
  latencyMs: (row) => row.latency_ms,
  usage: (row) => ({ inputTokens: row.input_tokens, outputTokens: row.output_tokens }),
  costUsd: (row) => row.cost_usd,
  status: (row) => row.status,
  error: (row) => row.error,
  assertions: (row) => parseJson(row.assertions_json)
};

/** A case's result as the report shows it, key by key (see runs/resultCalls.ts for how a view reads). */
const VIEW = [
  "target",
  "pass",
  "output",
  "confidence",
  "latencyMs",
  "usage",
  "judgeUsage",
  "costUsd",
  "runId",
  "status",
  "error",
  "replayMisses",
  "assertions"
];

const rebuild = (marker: Json, row: ResultColumns): Json => {
  const out: Record<string, unknown> = {};
  for (const key of VIEW) {
    const derive = fromRow[key];
    if (derive !== undefined) out[key] = derive(row);
    else if (key in marker) out[key] = marker[key];
  }
  for (const [key, value] of Object.entries(marker)) if (key !== "$result" && !(key in out)) out[key] = value;
  return out;
};

/** The rows of one case, by target; a target two rows share is left out. */
const byCase = <Row extends ResultColumns>(rows: ReadonlyArray<Row>): ReadonlyMap<string, ReadonlyMap<string, Row>> => {
  const cases = new Map<string, Map<string, Row | null>>();
  for (const row of rows) {
    let targets = cases.get(row.case_id);
    if (targets === undefined) {
      targets = new Map();
      cases.set(row.case_id, targets);
    }
    targets.set(row.target, targets.has(row.target) ? null : row);
  }
  const unique = new Map<string, Map<string, Row>>();
  for (const [caseId, targets] of cases) {
    const kept = new Map<string, Row>();
    for (const [target, row] of targets) if (row !== null) kept.set(target, row);
    unique.set(caseId, kept);
  }
  return unique;
};

const mapCases = (report: unknown, each: (caseId: unknown, result: unknown) => unknown): unknown => {
  if (!isObject(report) || !Array.isArray(report.cases)) return report;
  return {
    ...report,
    cases: report.cases.map((suiteCase: unknown) =>
      isObject(suiteCase) && Array.isArray(suiteCase.results)
        ? { ...suiteCase, results: suiteCase.results.map((result: unknown) => each(suiteCase.id, result)) }
        : suiteCase
    )
  };
};

/** The report as stored: each case's result that its committed row gives back exactly, as a reference. */
export const factorReport = (
  report: unknown,
  rows: ReadonlyArray<ResultColumns>,
  same: SameJson = sameJsonText
): unknown => {
  if (rows.length === 0) return report;
  const cases = byCase(rows);
  return mapCases(report, (caseId, result) => {
    if (!isObject(result) || typeof caseId !== "string" || typeof result.target !== "string") return result;
    const row = cases.get(caseId)?.get(result.target);
    if (row === undefined) return result;
    const marker: Record<string, unknown> = { $result: result.target };
    for (const [key, value] of Object.entries(result)) if (fromRow[key] === undefined) marker[key] = value;
    return same(rebuild(marker, row), result) ? marker : result;
  });
};

/** The report as eval returned it: every reference replaced by what its row gives back. */
export const joinReport = (stored: unknown, rows: ReadonlyArray<ResultColumns>): unknown => {
  if (rows.length === 0) return stored;
  const cases = byCase(rows);
  return mapCases(stored, (caseId, result) => {
    if (!isObject(result) || typeof result.$result !== "string" || typeof caseId !== "string") return result;
    const row = cases.get(caseId)?.get(result.$result);
    // A reference that no longer resolves (a hand-edited database) is shown as stored.
    return row === undefined ? result : rebuild(result, row);
  });
};
