import {
  type Document,
  isAlias,
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  type Node,
  type Pair,
  parseDocument,
  visit
} from "yaml";
import { messageOf } from "./messageOf.js";
import type { Locate, Position, Problem } from "./problem.js";

// YAML text → plain data plus a way to find any JSON path back in the text. Positions come from the
// parser's node ranges, so every issue can point at the exact value, key or map it is about.

export interface YamlSource {
  readonly data: unknown;
  readonly locate: Locate;
  /** Problems the parser found that still leave a usable document (duplicate keys). */
  readonly problems: ReadonlyArray<Problem>;
}

export type YamlParse =
  | { readonly ok: true; readonly source: YamlSource }
  | { readonly ok: false; readonly issues: ReadonlyArray<Position & { readonly message: string }> };

type Found = { readonly node: Node | null | undefined; readonly pair: Pair | undefined; readonly parent: unknown };

const keyText = (pair: Pair): string | undefined => {
  const key = pair.key;
  if (isScalar(key)) return String(key.value);
  return key === null || key === undefined ? undefined : String(key);
};

const findNode = (doc: Document, path: ReadonlyArray<string | number>): Found => {
  let node: unknown = doc.contents;
  let pair: Pair | undefined;
  let parent: unknown = doc.contents;
  for (const segment of path) {
    if (isMap(node)) {
      const next = (node.items as Array<Pair>).findLast((item) => keyText(item) === String(segment));
      if (next === undefined) break;
      parent = node;
      pair = next;
      node = next.value;
    } else if (isSeq(node)) {
      const next = node.items[Number(segment)];
      if (next === undefined) break;
      parent = node;
      pair = undefined;
      node = next;
    } else {
      // a scalar, or an alias: the data continues elsewhere; point here
      break;
    }
  }
  return { node: node as Node | null | undefined, pair, parent };
};

const rangeStart = (node: unknown): number | undefined =>
  typeof node === "object" && node !== null && "range" in node && Array.isArray(node.range)
    ? (node.range[0] as number)
    : undefined;

const makeLocate =
  (doc: Document, text: string, lines: LineCounter): Locate =>
  (problem) => {
    const found = findNode(doc, problem.path);
    let offset: number | undefined;
    if (problem.at === "parent") {
      const parentPath = problem.path.slice(0, -1);
      offset = rangeStart(findNode(doc, parentPath).node);
    } else if (problem.at === "key") {
      offset = rangeStart(found.pair?.key);
    }
    if (offset === undefined) {
      const value = found.node;
      // `key:` with nothing after it has an empty scalar placed after the colon: point at the key
      const empty = isScalar(value) && value.value === null && value.source === "";
      offset = empty ? rangeStart(found.pair?.key) : rangeStart(value);
      if (offset !== undefined && problem.needle !== undefined && value && !isAlias(value)) {
        const end = (value as { range?: [number, number, number] }).range?.[1] ?? offset;
        const inside = text.slice(offset, end).indexOf(problem.needle);
        if (inside >= 0) offset += inside;
      }
    }
    if (offset === undefined) offset = rangeStart(doc.contents) ?? 0;
    const { line, col } = lines.linePos(offset);
    return { line, column: col };
  };

const duplicateKeyMessage = (text: string, offset: number, lines: LineCounter, doc: Document): string => {
  const key = /^["']?([^"':\n]*)/.exec(text.slice(offset))?.[1]?.trim() ?? "";
  let first: number | undefined;
  visit(doc, {
    Pair(_, pair) {
      const start = rangeStart(pair.key);
      if (first === undefined && start !== undefined && start < offset && keyText(pair) === key) first = start;
    }
  });
  const where = first === undefined ? "" : ` (first defined on line ${lines.linePos(first).line})`;
  return `duplicate key "${key}"${where}: each key may appear once`;
};

export const parseYaml = (text: string): YamlParse => {
  const lines = new LineCounter();
  // logLevel "error": the yaml package would otherwise print process warnings (e.g. for odd keys)
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true, logLevel: "error" });
  const at = (offset: number): Position => {
    const { line, col } = lines.linePos(offset);
    return { line, column: col };
  };
  const fatal = doc.errors.filter((error) => error.code !== "DUPLICATE_KEY");
  if (fatal.length > 0) {
    return {
      ok: false,
      issues: fatal.map((error) => ({ ...at(error.pos[0]), message: `YAML syntax: ${error.message}` }))
    };
  }
  const unresolved: Array<number> = [];
  visit(doc, {
    Alias(_, alias) {
      if (alias.resolve(doc) === undefined) unresolved.push(alias.range?.[0] ?? 0);
    }
  });
  if (unresolved.length > 0) {
    return {
      ok: false,
      issues: unresolved.map((offset) => ({
        ...at(offset),
        message: "YAML: this alias (*name) refers to no anchor (&name) defined before it"
      }))
    };
  }
  let data: unknown;
  try {
    // the default alias limit stops "billion laughs" expansion
    data = doc.toJS();
  } catch (error) {
    const message = messageOf(error);
    return { ok: false, issues: [{ line: 1, column: 1, message: `YAML: ${message}` }] };
  }
  const problems = doc.errors.map((error) => ({
    path: [],
    source: "yaml" as const,
    message: duplicateKeyMessage(text, error.pos[0], lines, doc),
    position: at(error.pos[0])
  }));
  return { ok: true, source: { data, locate: makeLocate(doc, text, lines), problems } };
};
