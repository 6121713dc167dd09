import { schemaProblems } from "./ajvProblems.js";
import { assertionListProblems } from "./checks/assertions.js";
import { isRecord } from "./checks/data.js";
import { secretProblems } from "./checks/secrets.js";
import { parseCsv } from "./csv.js";
import type { Issue } from "./errors.js";
import { excerpt } from "./excerpt.js";
import { type Position, type Problem, toIssues } from "./problem.js";
import type { RawInlineCase } from "./schema/index.js";
import { closest } from "./suggest.js";
import { validateCase } from "./validators.js";

// Cases kept in a file beside the suite: JSONL (one {id?, prompt, assert?} per line) or CSV (a header
// with prompt and optional id, assert as a JSON array, description). A case without an id gets
// `<file>:<line>`, which stays stable as long as the line does.

export interface FileCase {
  readonly case: RawInlineCase & { readonly id: string };
  readonly file: string;
  readonly position: Position;
}

export interface CaseFileResult {
  readonly cases: ReadonlyArray<FileCase>;
  readonly issues: ReadonlyArray<Issue>;
}

const CSV_COLUMNS = ["id", "prompt", "assert", "description"];

/** Validates one case object; `locate` maps a path inside it to a position in the file. */
const checkCase = (
  data: unknown,
  display: string,
  known: ReadonlySet<string>,
  locate: (problem: Problem) => Position
): ReadonlyArray<Issue> => {
  const problems = [
    ...(validateCase(data) ? [] : schemaProblems(validateCase.errors ?? [])),
    ...assertionListProblems(isRecord(data) ? data.assert : undefined, ["assert"], known),
    ...secretProblems(data)
  ];
  return toIssues(display, problems, locate);
};

const jsonPosition = (message: string): number => {
  const match = /position (\d+)/.exec(message);
  return match === null ? 1 : Number(match[1]) + 1;
};

const parseJsonl = (text: string, display: string, idPrefix: string, known: ReadonlySet<string>): CaseFileResult => {
  const cases: Array<FileCase> = [];
  const issues: Array<Issue> = [];
  text.split(/\r?\n/).forEach((lineText, index) => {
    const line = index + 1;
    if (lineText.trim() === "") return;
    let data: unknown;
    try {
      data = JSON.parse(lineText);
    } catch (error) {
      const reason = (error as Error).message.replace(/ in JSON at position \d+.*$/s, "");
      const message = `invalid JSON: ${excerpt(reason, 80)}`;
      issues.push({ file: display, line, column: jsonPosition((error as Error).message), path: "", message });
      return;
    }
    const locate = (problem: Problem): Position => {
      const key = problem.path.findLast((segment) => typeof segment === "string");
      const at = key === undefined ? -1 : lineText.indexOf(JSON.stringify(key));
      return { line, column: at + 1 || 1 };
    };
    const found = checkCase(data, display, known, locate);
    if (found.length > 0) {
      issues.push(...found);
      return;
    }
    const valid = data as RawInlineCase;
    cases.push({
      case: { ...valid, id: valid.id ?? `${idPrefix}:${line}` },
      file: display,
      position: { line, column: 1 }
    });
  });
  return { cases, issues };
};

const parseCsvCases = (text: string, display: string, idPrefix: string, known: ReadonlySet<string>): CaseFileResult => {
  const parsed = parseCsv(text);
  if (!parsed.ok) {
    return {
      cases: [],
      issues: [{ file: display, line: parsed.line, column: parsed.column, path: "", message: parsed.message }]
    };
  }
  const [header, ...rows] = parsed.rows;
  if (header === undefined) return { cases: [], issues: [] };
  const issues: Array<Issue> = [];
  const columns = header.map((cell) => cell.text.trim());
  header.forEach((cell, index) => {
    const name = columns[index]!;
    if (!CSV_COLUMNS.includes(name)) {
      const suggestion = closest(name, CSV_COLUMNS);
      const hint = suggestion === undefined ? "" : ` (did you mean "${suggestion}"?)`;
      issues.push({
        ...cell,
        file: display,
        path: "",
        message: `unknown column "${excerpt(name)}"${hint}: use id, prompt, assert, description`
      });
    }
  });
  if (!columns.includes("prompt")) {
    issues.push({ file: display, line: 1, column: 1, path: "", message: 'the header needs a "prompt" column' });
  }
  if (issues.length > 0) return { cases: [], issues };

  const cases: Array<FileCase> = [];
  for (const row of rows) {
    const first = row[0]!;
    if (row.length > columns.length) {
      const extra = row[columns.length]!;
      issues.push({
        file: display,
        line: extra.line,
        column: extra.column,
        path: "",
        message: `this row has ${row.length} cells but the header names ${columns.length} (quote cells that contain commas)`
      });
      continue;
    }
    const cellOf = (name: string) => row[columns.indexOf(name)];
    const data: Record<string, unknown> = {};
    let broken = false;
    for (const name of CSV_COLUMNS) {
      const cell = cellOf(name);
      if (cell === undefined || (cell.text === "" && name !== "prompt")) continue;
      if (name !== "assert") {
        data[name] = cell.text;
        continue;
      }
      try {
        data.assert = JSON.parse(cell.text);
      } catch (error) {
        broken = true;
        issues.push({
          file: display,
          line: cell.line,
          column: cell.column,
          path: "/assert",
          message: `must be a JSON array of assertions: ${excerpt((error as Error).message, 80)}`
        });
      }
    }
    if (broken) continue;
    const locate = (problem: Problem): Position => {
      const cell = typeof problem.path[0] === "string" ? cellOf(problem.path[0]) : undefined;
      return cell ?? first;
    };
    const found = checkCase(data, display, known, locate);
    if (found.length > 0) {
      issues.push(...found);
      continue;
    }
    const valid = data as RawInlineCase;
    cases.push({ case: { ...valid, id: valid.id ?? `${idPrefix}:${first.line}` }, file: display, position: first });
  }
  return { cases, issues };
};

/** Enough issues to fix a file by; past this the file is most likely not a case file at all. */
export const MAX_ISSUES_PER_CASE_FILE = 20;

const capIssues = (result: CaseFileResult, display: string): CaseFileResult => {
  if (result.issues.length <= MAX_ISSUES_PER_CASE_FILE) return result;
  const shown = result.issues.slice(0, MAX_ISSUES_PER_CASE_FILE);
  const more = result.issues.length - shown.length;
  const message = `${more} more problem(s) not shown: is this a case file (JSONL or CSV of id, prompt, assert)?`;
  return { cases: result.cases, issues: [...shown, { file: display, line: 0, column: 0, path: "", message }] };
};

/** Cases from the text of a .jsonl or .csv file. */
export const parseCaseFile = (
  text: string,
  options: { readonly display: string; readonly idPrefix: string; readonly known: ReadonlySet<string> }
): CaseFileResult =>
  capIssues(
    options.display.endsWith(".csv")
      ? parseCsvCases(text, options.display, options.idPrefix, options.known)
      : parseJsonl(text, options.display, options.idPrefix, options.known),
    options.display
  );
