import type { Synthesis } from "./result.js";

// The arbiter's output is untrusted text from a model: read it tolerantly (case, white space, CDATA,
// code fences, any tag order, attributes, `-` for `_`), and never let a tag QUOTED inside the output
// (an answer the arbiter cites, an example in inline code) win over the arbiter's own tags. Only
// top-level elements count, and when a tag appears at top level more than once the last one wins:
// the arbiter's own block comes after anything it quotes.

export interface ParsedArbiterOutput {
  readonly synthesis: Synthesis;
  /** What could not be read, one short phrase each (e.g. `no <confidence> tag`); empty when all was read. */
  readonly issues: ReadonlyArray<string>;
}

type TagName = "synthesis" | "confidence" | "analysis" | "dissent" | "needs_iteration" | "refinement_areas";

const TAG_PATTERN = "synthesis|confidence|analysis|dissent|needs[_-]iteration|refinement[_-]areas";
const OPEN_TAG = new RegExp(`<\\s*(${TAG_PATTERN})(\\s[^<>]*)?>`, "gi");

const normaliseName = (name: string): TagName => name.toLowerCase().replace("-", "_") as TagName;

/** Same length as the input, with quoted regions blanked, so positions still index the original. */
const maskQuotedRegions = (text: string): string =>
  text
    .replace(/<!\[CDATA\[[\s\S]*?\]\]>/g, (m) => " ".repeat(m.length))
    // Inline code spans: a tag in backticks is an example, never the arbiter's answer.
    .replace(/`[^`\n]+`/g, (m) => " ".repeat(m.length));

interface Element {
  readonly name: TagName;
  /** Start of the opening tag. */
  readonly start: number;
  readonly contentStart: number;
  readonly contentEnd: number;
  /** End of the closing tag (or of the content when unclosed). */
  readonly end: number;
}

const nameRegex = (name: TagName): string => name.replace("_", "[_-]");

/** The end of `name`'s element whose content starts at `from`, counting nested elements of the same name. */
const findClose = (
  masked: string,
  name: TagName,
  from: number
): { readonly contentEnd: number; readonly end: number } | undefined => {
  const same = new RegExp(`<\\s*(/)?\\s*${nameRegex(name)}(\\s[^<>]*)?>`, "gi");
  same.lastIndex = from;
  let depth = 1;
  let lastClose: { contentEnd: number; end: number } | undefined;
  for (let m = same.exec(masked); m !== null; m = same.exec(masked)) {
    if (m[1] === "/") {
      depth -= 1;
      lastClose = { contentEnd: m.index, end: m.index + m[0].length };
      if (depth === 0) return lastClose;
    } else if (!m[0].endsWith("/>")) {
      depth += 1;
    }
  }
  // Unbalanced: a stray opening tag of the same name inside the content. The last closing tag is the
  // best guess at where the arbiter meant the element to end.
  return lastClose;
};

/** Top-level elements of the known tags, in document order. Elements nested in another are skipped. */
const topLevelElements = (masked: string): Array<Element> => {
  const elements: Array<Element> = [];
  let position = 0;
  while (position < masked.length) {
    OPEN_TAG.lastIndex = position;
    const open = OPEN_TAG.exec(masked);
    if (open === null) break;
    const name = normaliseName(open[1]!);
    const contentStart = open.index + open[0].length;
    if (open[0].endsWith("/>")) {
      elements.push({ name, start: open.index, contentStart, contentEnd: contentStart, end: contentStart });
      position = contentStart;
      continue;
    }
    const close = findClose(masked, name, contentStart);
    if (close !== undefined) {
      elements.push({ name, start: open.index, contentStart, ...close });
      position = close.end;
      continue;
    }
    // Never closed (often a reply cut off at max_tokens): the content runs to the next known tag.
    OPEN_TAG.lastIndex = contentStart;
    const next = OPEN_TAG.exec(masked);
    const contentEnd = next === null ? masked.length : next.index;
    elements.push({ name, start: open.index, contentStart, contentEnd, end: contentEnd });
    position = contentEnd;
  }
  return elements;
};

const unwrapCdata = (text: string): string => text.replace(/<!\[CDATA\[([\s\S]*?)\]\]>/g, "$1");

/** Removes one code fence wrapping the whole text (```xml ... ```), as models like to add. */
export const stripWrappingFence = (text: string): string => {
  const trimmed = text.trim();
  const fenced = /^```[^\n`]*\n([\s\S]*?)\n?```$/.exec(trimmed);
  return fenced === null ? trimmed : fenced[1]!.trim();
};

/**
 * `0.85`, `.85`, `0,85`, `85%`, `85` (a number above 1 and up to 100 is a percentage), `8.5/10`;
 * the first number in the text counts, so `0.7 (up from 0.5)` is 0.7. Undefined when unreadable.
 */
export const parseConfidence = (text: string): number | undefined => {
  const m = /(-?)(\d+(?:[.,]\d+)?|[.,]\d+)\s*(%|\/\s*(\d+(?:\.\d+)?))?/.exec(text);
  if (m === null) return undefined;
  if (m[1] === "-") return undefined;
  const value = Number(m[2]!.replace(",", "."));
  const scale = m[3] === "%" ? 100 : m[4] !== undefined ? Number(m[4]) : value > 1 ? 100 : 1;
  if (!Number.isFinite(value) || scale <= 0) return undefined;
  const confidence = value / scale;
  return confidence >= 0 && confidence <= 1 ? confidence : undefined;
};

/** `true`/`yes` or `false`/`no`, wherever it sits in the text (own line, quotes, trailing dot). */
export const parseBoolean = (text: string): boolean | undefined => {
  const m = /\b(true|false|yes|no)\b/i.exec(text);
  if (m === null) return undefined;
  const word = m[1]!.toLowerCase();
  return word === "true" || word === "yes";
};

const NOTHING = /^(none|n\/?a|nothing|-+|—)\.?$/i;

/** `<area>` items; failing those, one item per line of a plain list (bullets and numbers removed). */
export const parseAreas = (text: string): Array<string> => {
  const masked = maskQuotedRegions(text);
  const items: Array<string> = [];
  const area = /<\s*area(\s[^<>]*)?>([\s\S]*?)<\s*\/\s*area\s*>/gi;
  for (let m = area.exec(masked); m !== null; m = area.exec(masked)) {
    const start = m.index + m[0].indexOf(">") + 1;
    items.push(unwrapCdata(text.slice(start, start + m[2]!.length)));
  }
  const candidates =
    items.length > 0
      ? items
      : unwrapCdata(text)
          .split("\n")
          .map((line) => line.replace(/^\s*(?:[-*•+]|\d+[.)])\s+/, ""));
  return candidates.map((item) => item.trim()).filter((item) => item.length > 0 && !NOTHING.test(item));
};

/** Reads the arbiter's tagged reply. Never throws; what it cannot read it reports in `issues`. */
export const parseArbiterOutput = (raw: string): ParsedArbiterOutput => {
  const masked = maskQuotedRegions(raw);
  const elements = topLevelElements(masked);
  const last = new Map<TagName, Element>();
  for (const element of elements) last.set(element.name, element);
  const content = (name: TagName): string | undefined => {
    const element = last.get(name);
    return element === undefined ? undefined : unwrapCdata(raw.slice(element.contentStart, element.contentEnd)).trim();
  };

  const issues: Array<string> = [];
  const analysis = content("analysis") ?? "";
  const dissent = content("dissent") ?? "";
  const areasText = content("refinement_areas");
  const refinementAreas = areasText === undefined ? [] : parseAreas(areasText);
  const synthesisText = content("synthesis");

  if (synthesisText === undefined || synthesisText.length === 0) {
    issues.push(synthesisText === undefined ? "no <synthesis> tag" : "empty <synthesis>");
    // What the arbiter wrote outside the tags is the best answer we have; its tags are not.
    let outside = raw;
    for (const element of [...elements].reverse()) {
      outside = outside.slice(0, element.start) + outside.slice(element.end);
    }
    const rest = stripWrappingFence(outside);
    return {
      synthesis: {
        text: rest.length > 0 ? rest : stripWrappingFence(raw),
        confidence: 0,
        analysis,
        dissent,
        needsIteration: true,
        refinementAreas,
        parsed: false
      },
      issues
    };
  }

  const confidenceText = content("confidence");
  const confidence = confidenceText === undefined ? undefined : parseConfidence(confidenceText);
  if (confidenceText === undefined) issues.push("no <confidence> tag");
  else if (confidence === undefined) issues.push(`unreadable <confidence> "${confidenceText.slice(0, 40)}"`);

  const needsText = content("needs_iteration");
  const needsIteration = needsText === undefined ? undefined : parseBoolean(needsText);
  if (needsText === undefined) issues.push("no <needs_iteration> tag");
  else if (needsIteration === undefined) issues.push(`unreadable <needs_iteration> "${needsText.slice(0, 40)}"`);

  return {
    synthesis: {
      text: synthesisText,
      // Unreadable confidence counts as none: the stop rule then asks for another round.
      confidence: confidence ?? 0,
      analysis,
      dissent,
      needsIteration: needsIteration ?? false,
      refinementAreas,
      parsed: true
    },
    issues
  };
};
