import { parseAreas, parseBoolean, parseConfidence, readOwnElement, stripWrappingFence } from "../parseArbiter.js";

// A ranking in a judge's or a reviewer's reply: untrusted text, read tolerantly and guarded as the
// arbiter's tags are: the last top-level <ranking> the judge wrote itself counts, never one inside
// inline code or one reproducing text of an answer it was shown (`quoted`), before or after its own.
// Its <rank> items (or, failing those, its lines) name the anonymised labels, as "Response 3", "3" or
// "1. Response 3". Unknown labels and repeats are dropped and reported; what is left is a list of
// distinct known labels.

export interface ParsedRanking {
  /** Known labels, best first, each at most once. Empty when no ranking could be read. */
  readonly labels: ReadonlyArray<string>;
  readonly issues: ReadonlyArray<string>;
}

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

const QUOTED_ONLY = (name: string): string => `<${name}> only inside text quoted from an answer`;

/** Reads the ranking of `known` labels from `raw`; `quoted`: the answers the judge was shown. Never throws. */
export const parseRanking = (
  raw: string,
  known: ReadonlyArray<string>,
  quoted: ReadonlyArray<string> = []
): ParsedRanking => {
  const ranking = readOwnElement(stripWrappingFence(raw), "ranking", quoted);
  const content = ranking.content;
  if (content === undefined) {
    return { labels: [], issues: [ranking.onlyQuoted ? QUOTED_ONLY("ranking") : "no <ranking> tag"] };
  }
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

/** The judge's other fields beside a ranking: confidence, needs_iteration, areas, analysis, guarded the same way. */
export const parseJudgeFields = (raw: string, quoted: ReadonlyArray<string> = []) => {
  const text = stripWrappingFence(raw);
  const own = (name: string) => readOwnElement(text, name, quoted);
  const confidenceRead = own("confidence");
  const confidenceText = confidenceRead.content;
  const confidence = confidenceText === undefined ? undefined : parseConfidence(confidenceText);
  const needsText = own("needs_iteration").content;
  const areasText = own("refinement_areas").content;
  const issues: Array<string> = [];
  if (confidenceText === undefined)
    issues.push(confidenceRead.onlyQuoted ? QUOTED_ONLY("confidence") : "no <confidence> tag");
  else if (confidence === undefined) issues.push(`unreadable <confidence> "${confidenceText.trim().slice(0, 40)}"`);
  return {
    confidence: confidence ?? 0,
    needsIteration: (needsText === undefined ? undefined : parseBoolean(needsText)) ?? false,
    refinementAreas: areasText === undefined ? [] : parseAreas(areasText),
    analysis: own("analysis").content?.trim() ?? "",
    issues
  };
};
