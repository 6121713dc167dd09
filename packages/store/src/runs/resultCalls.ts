import type { Selectable } from "kysely";
import type { CallsTable } from "../Database.js";
import { parseJson } from "../parseJson.js";

// A run's result repeats what its call rows hold: every member answer, the arbiter's raw output and
// parsed fields, each call's usage, latency, attempts and error. Stored as is, that doubled a
// database. So what a call row can give back exactly is stored as a reference to it, and put back
// when the run is read:
//   { "$call": "<ref>", "label": "Response 1" }   a call as the result shows it there, with what the
//                                                 row does not hold (the label)
//   { "$parsed": "<ref>" }                        a call's parsed fields (an arbiter's synthesis)
// A reference replaces an object only when rebuilding it from the row gives the object back exactly
// (checked as it is stored), and only from rows already committed, so reading loses nothing.

/** The columns of a call row a reference rebuilds from (as written, or as read back). */
export type CallColumns = Pick<
  Selectable<CallsTable>,
  | "iteration"
  | "role"
  | "instance"
  | "provider"
  | "model"
  | "layer"
  | "answer"
  | "parsed_json"
  | "input_tokens"
  | "output_tokens"
  | "cost_usd"
  | "latency_ms"
  | "attempts"
  | "error_json"
>;

type Json = Readonly<Record<string, unknown>>;

/** Whether two values are the same JSON (exactly, or as a backend that reorders keys keeps it). */
export type SameJson = (a: unknown, b: unknown) => boolean;

/** The same JSON text, keys in the same order, without building the text. */
export const sameJsonText: SameJson = (a, b) => {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a))
    return Array.isArray(b) && a.length === b.length && a.every((item, i) => sameJsonText(item, b[i]));
  if (Array.isArray(b)) return false;
  // JSON leaves out undefined members
  const keysA = Object.keys(a).filter((key) => (a as Json)[key] !== undefined);
  const keysB = Object.keys(b).filter((key) => (b as Json)[key] !== undefined);
  return (
    keysA.length === keysB.length &&
    keysA.every((key, i) => key === keysB[i] && sameJsonText((a as Json)[key], (b as Json)[key]))
  );
};

const isObject = (value: unknown): value is Json =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** Which call a reference means: unique among a run's calls, and the same after `db copy`. */
export const callRef = (row: CallColumns): string =>
  `${row.iteration} ${row.role} ${row.instance} ${row.layer ?? "-"} ${row.provider}/${row.model}`;

const fromRow: Readonly<Record<string, (row: CallColumns) => unknown>> = {
  member: (row) => `${row.provider}/${row.model}`,
  model: (row) => `${row.provider}/${row.model}`,
  instance: (row) => row.instance,
  text: (row) => row.answer ?? "",
  raw: (row) => row.answer ?? "",
  usage: (row) => ({ inputTokens: row.input_tokens, outputTokens: row.output_tokens, costUsd: row.cost_usd }),
  latencyMs: (row) => row.latency_ms,
  attempts: (row) => row.attempts,
  error: (row) => parseJson(row.error_json)
};

/**
 * How the result shows a call at each place, key by key: a key in `fromRow` comes from the row, any
 * other from the reference (then the reference's remaining keys, in order).
 */
const VIEWS: Readonly<Record<string, ReadonlyArray<string>>> = {
  response: ["member", "instance", "text", "usage", "latencyMs", "attempts", "error"],
  arbiter: ["model", "raw", "usage", "latencyMs", "attempts", "error"],
  review: ["member", "instance", "ranking", "raw", "usage", "latencyMs", "attempts", "error"]
};

const rebuild = (marker: Json, view: ReadonlyArray<string>, row: CallColumns): Json => {
  const out: Record<string, unknown> = {};
  for (const key of view) {
    const derive = fromRow[key];
    if (derive !== undefined) out[key] = derive(row);
    else if (key in marker) out[key] = marker[key];
  }
  for (const [key, value] of Object.entries(marker)) {
    if (key !== "$call" && !(key in out)) out[key] = value;
  }
  return out;
};

/** The calls of one run, by reference; a reference two rows share is left out (it could not be told apart). */
export const indexCalls = <Row extends CallColumns>(rows: ReadonlyArray<Row>): ReadonlyMap<string, Row> => {
  const byRef = new Map<string, Row | null>();
  for (const row of rows) {
    const ref = callRef(row);
    byRef.set(ref, byRef.has(ref) ? null : row);
  }
  const unique = new Map<string, Row>();
  for (const [ref, row] of byRef) if (row !== null) unique.set(ref, row);
  return unique;
};

/** The view's fields that are plain values: a quick no before the exact comparison. */
const SCALARS = new Set(["member", "model", "instance", "text", "raw", "latencyMs", "attempts"]);

const sameScalars = (view: ReadonlyArray<string>, row: CallColumns, value: Json): boolean =>
  view.every((key) => !SCALARS.has(key) || fromRow[key]!(row) === value[key]);

interface Factoring {
  readonly calls: ReadonlyMap<string, CallColumns>;
  readonly same: SameJson;
}

/** `value` as a reference to one of `iteration`'s calls, or itself when no row gives it back exactly. */
const referToCall = (value: unknown, viewName: string, iteration: unknown, f: Factoring): unknown => {
  if (!isObject(value)) return value;
  const view = VIEWS[viewName]!;
  const extras: Record<string, unknown> = {};
  for (const [key, extra] of Object.entries(value)) if (fromRow[key] === undefined) extras[key] = extra;
  for (const [ref, row] of f.calls) {
    if (row.iteration !== iteration || !sameScalars(view, row, value)) continue;
    const marker = { $call: ref, ...extras };
    if (f.same(rebuild(marker, view, row), value)) return marker;
  }
  return value;
};

const referToParsed = (value: unknown, f: Factoring): unknown => {
  if (!isObject(value)) return value;
  const text = f.same === sameJsonText ? JSON.stringify(value) : undefined;
  for (const [ref, row] of f.calls) {
    if (row.parsed_json === null) continue;
    if (text === undefined ? f.same(parseJson(row.parsed_json), value) : row.parsed_json === text) {
      return { $parsed: ref };
    }
  }
  return value;
};

const mapList = (list: unknown, each: (item: unknown) => unknown): unknown =>
  Array.isArray(list) ? list.map(each) : list;

/** Applies `call` and `parsed` to every place of a result that holds a call or a call's parsed fields. */
const walkResult = (
  result: unknown,
  call: (value: unknown, view: string, iteration: unknown) => unknown,
  parsed: (value: unknown) => unknown
): unknown => {
  if (!isObject(result)) return result;
  const round = (value: unknown): unknown => {
    if (!isObject(value)) return value;
    const iteration = value.index;
    const out: Record<string, unknown> = { ...value };
    if ("responses" in value) out.responses = mapList(value.responses, (item) => call(item, "response", iteration));
    if ("reviews" in value) out.reviews = mapList(value.reviews, (item) => call(item, "review", iteration));
    if ("arbiter" in value) out.arbiter = call(value.arbiter, "arbiter", iteration);
    if ("arbiterFailures" in value) {
      out.arbiterFailures = mapList(value.arbiterFailures, (item) => call(item, "arbiter", iteration));
    }
    if ("synthesis" in value) out.synthesis = parsed(value.synthesis);
    return out;
  };
  const out: Record<string, unknown> = { ...result };
  if ("synthesis" in result) out.synthesis = parsed(result.synthesis);
  if ("iterations" in result) out.iterations = mapList(result.iterations, round);
  if ("unfinished" in result) out.unfinished = round(result.unfinished);
  return out;
};

/**
 * The result as stored: what `calls` (this run's committed rows) give back exactly, as references.
 * `same` says when a rebuilt object is the original (exact JSON text, unless the backend reorders keys).
 */
export const factorResult = (result: unknown, calls: ReadonlyArray<CallColumns>, same: SameJson = sameJsonText) => {
  const f: Factoring = { calls: indexCalls(calls), same };
  if (f.calls.size === 0) return result;
  return walkResult(
    result,
    (value, view, iteration) => referToCall(value, view, iteration, f),
    (value) => referToParsed(value, f)
  );
};

/** The result as the engine returned it: every reference replaced by what its call row gives back. */
export const joinResult = (stored: unknown, calls: ReadonlyArray<CallColumns>): unknown => {
  if (!isObject(stored)) return stored;
  const byRef = indexCalls(calls);
  const call = (value: unknown, viewName: string): unknown => {
    if (!isObject(value) || typeof value.$call !== "string") return value;
    const row = byRef.get(value.$call);
    // A reference that no longer resolves (a hand-edited database) is shown as stored.
    return row === undefined ? value : rebuild(value, VIEWS[viewName]!, row);
  };
  const parsed = (value: unknown): unknown => {
    if (!isObject(value) || typeof value.$parsed !== "string") return value;
    const row = byRef.get(value.$parsed);
    return row === undefined || row.parsed_json === null ? value : parseJson(row.parsed_json);
  };
  return walkResult(stored, call, parsed);
};
