import { parseAreas, parseBoolean, parseConfidence, stripWrappingFence } from "../parseArbiter.js";

// A ranking in a judge's or a reviewer's reply: untrusted text, read tolerantly. The last top-level
// <ranking> counts (an answer the judge quotes comes before its own verdict); its <rank> items (or,
// failing those, its lines) name the anonymised labels, as "Response 3", "3" or "1. Response 3".
// Unknown labels and repeats are dropped and reported; what is left is a list of distinct known labels.

export interface ParsedRanking {
  /** Known labels, best first, each at most once. Empty when no ranking could be read. */
  readonly labels: ReadonlyArray<string>;
  readonly issues: ReadonlyArray<string>;
}

/** Same length as the input, with inline code blanked, so a tag shown as an example never counts. */
const mask = (text: string): string => text.replace(/`[^`\n]+`/g, (quoted) => " ".repeat(quoted.length));

/** The content of the last `<name>` element (an unclosed one runs to the end), or undefined. */
export const lastElement = (raw: string, name: string): string | undefined => {
  const masked = mask(raw);
  const open = new RegExp(`<\\s*${name}(?:\\s[^<>]*)?>`, "gi");
  let start: number | undefined;
  for (let m = open.exec(masked); m !== null; m = open.exec(masked)) start = m.index + m[0].length;
  if (start === undefined) return undefined;
  const close = new RegExp(`<\\s*/\\s*${name}\\s*>`, "gi");
  close.lastIndex = start;
  const end = close.exec(masked);
  return raw.slice(start, end === null ? raw.length : end.index).replace(/<!\[CDATA\[([\s\S]*?)\]\]>/g, "$1");
};

const squash = (text: string): string => text.replace(/\s+/g, " ").trim().toLowerCase();

/** The known label an item names, or undefined. A bare number n is the n-th label as presented. */
const resolve = (item: string, known: ReadonlyArray<string>): string | undefined => {
  const text = item
    .trim()
    .replace(/^(?:\d+\s*[.):]|[-*•+]|#\d+\s*[.):]?)\s+(?=\S)/, "")
    .replace(/^[\s*_"'`“”]+|[\s*_"'`“”.,;:!]+$/g, "");
  const bare = /^#?(\d+)$/.exec(text);
  if (bare !== null) {
    const n = Number(bare[1]);
    const named = known.find((label) => squash(label) === `response ${n}`);
    return named ?? known[n - 1];
  }
  const exact = known.find((label) => squash(label) === squash(text));
  if (exact !== undefined) return exact;
  const numbered = /\bresponse\s*#?\s*(\d+)\b/i.exec(text);
  return numbered === null ? undefined : known.find((label) => squash(label) === `response ${numbered[1]}`);
};

/** Reads the ranking of `known` labels from `raw`. Never throws. */
export const parseRanking = (raw: string, known: ReadonlyArray<string>): ParsedRanking => {
  const content = lastElement(stripWrappingFence(raw), "ranking");
  if (content === undefined) return { labels: [], issues: ["no <ranking> tag"] };
  const tagged = [...content.matchAll(/<\s*rank(?:\s[^<>]*)?>([\s\S]*?)<\s*\/\s*rank\s*>/gi)].map((m) => m[1]!);
  const items = tagged.length > 0 ? tagged : content.split(/\n|,|;|>/).filter((line) => line.trim().length > 0);
  const labels: Array<string> = [];
  const issues: Array<string> = [];
  for (const item of items) {
    const label = resolve(item, known);
    if (label === undefined) issues.push(`unknown label "${item.trim().slice(0, 40)}" in <ranking>`);
    else if (labels.includes(label)) issues.push(`"${label}" ranked twice`);
    else labels.push(label);
  }
  if (labels.length === 0 && issues.length === 0) issues.push("empty <ranking>");
  return { labels, issues };
};

/** The judge's other fields beside a ranking: confidence, needs_iteration, areas, analysis. */
export const parseJudgeFields = (raw: string) => {
  const text = stripWrappingFence(raw);
  const confidenceText = lastElement(text, "confidence");
  const confidence = confidenceText === undefined ? undefined : parseConfidence(confidenceText);
  const needsText = lastElement(text, "needs[_-]iteration");
  const areasText = lastElement(text, "refinement[_-]areas");
  const issues: Array<string> = [];
  if (confidenceText === undefined) issues.push("no <confidence> tag");
  else if (confidence === undefined) issues.push(`unreadable <confidence> "${confidenceText.trim().slice(0, 40)}"`);
  return {
    confidence: confidence ?? 0,
    needsIteration: (needsText === undefined ? undefined : parseBoolean(needsText)) ?? false,
    refinementAreas: areasText === undefined ? [] : parseAreas(areasText),
    analysis: lastElement(text, "analysis")?.trim() ?? "",
    issues
  };
};
