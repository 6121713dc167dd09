import type { Issue } from "./errors.js";

// A problem found in a document, located by its JSON path. Locating it in the text (line:col) is a
// separate step, so the same checks serve YAML files, JSONL lines and plain objects.

export type Segment = string | number;
export type Path = ReadonlyArray<Segment>;

export interface Problem {
  readonly path: Path;
  /** Reads after the path: `/members/1/count` + `must be >= 1`. */
  readonly message: string;
  /** Where line:col points: the value at `path` (default), its key, or the map holding it. */
  readonly at?: "value" | "key" | "parent";
  /** Text inside the value to point at, e.g. an unknown `{{placeholder}}` in a long template. */
  readonly needle?: string;
  /** Which check found it: at one path a secret beats a schema error, which beats a semantic one. */
  readonly source: "yaml" | "schema" | "semantic" | "secret";
  /** Already known (e.g. from the YAML parser); skips locating by path. */
  readonly position?: Position;
}

export interface Position {
  readonly line: number;
  readonly column: number;
}

/** 0:0 means "no position" (an object built in code); formatIssue then leaves it out. */
export const NO_POSITION: Position = { line: 0, column: 0 };

export type Locate = (problem: Problem) => Position;

export const toPointer = (path: Path): string =>
  path.map((segment) => `/${String(segment).replaceAll("~", "~0").replaceAll("/", "~1")}`).join("");

export const fromPointer = (pointer: string): Array<string> =>
  pointer === ""
    ? []
    : pointer
        .slice(1)
        .split("/")
        .map((segment) => segment.replaceAll("~1", "/").replaceAll("~0", "~"));

const RANK = { secret: 0, yaml: 1, schema: 2, semantic: 3 } as const;

/**
 * Issues sorted by position, one per path and message; at a path that already has a more basic
 * problem (a secret, a schema error) the semantic checks' guesses are dropped.
 */
export const toIssues = (file: string, problems: ReadonlyArray<Problem>, locate: Locate): Array<Issue> => {
  const bestRank = new Map<string, number>();
  for (const problem of problems) {
    if (problem.position !== undefined) continue;
    const pointer = toPointer(problem.path);
    bestRank.set(pointer, Math.min(bestRank.get(pointer) ?? 9, RANK[problem.source]));
  }
  const seen = new Set<string>();
  const issues: Array<Issue> = [];
  for (const problem of problems) {
    const path = toPointer(problem.path);
    if (problem.position === undefined && RANK[problem.source] !== bestRank.get(path)) continue;
    const key = `${path}\u0000${problem.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    issues.push({ file, ...(problem.position ?? locate(problem)), path, message: problem.message });
  }
  return issues.sort((a, b) => a.line - b.line || a.column - b.column);
};
