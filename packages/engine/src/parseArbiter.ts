import type { Synthesis } from "./result.js";

// The arbiter's output is untrusted text from a model: read it tolerantly (case, white space, CDATA,
// code fences, any tag order, attributes, `-` for `_`), and never let a tag QUOTED inside the output
// (an answer the arbiter cites, an example in inline code) win over the arbiter's own tags. Only
// top-level elements count, and when a tag appears at top level more than once the last one wins:
// the arbiter's own block comes after anything it quotes. An arbiter may also quote an answer AFTER
// its own block, so an element that reproduces text of an answer (given as `quoted`) never counts:
// the verdict is what the arbiter wrote, not what a member wrote for it.

export interface ParsedArbiterOutput {
  readonly synthesis: Synthesis;
  /** What could not be read, one short phrase each (e.g. `no <confidence> tag`); empty when all was read. */
  readonly issues: ReadonlyArray<string>;
}

type TagName = "synthesis" | "confidence" | "analysis" | "dissent" | "needs_iteration" | "refinement_areas";

export const TAG_PATTERN = "synthesis|confidence|analysis|dissent|needs[_-]iteration|refinement[_-]areas";
export const openTagOf = (pattern: string): RegExp => new RegExp(`<\\s*(${pattern})(\\s[^<>]*)?>`, "gi");
const OPEN_TAG = openTagOf(TAG_PATTERN);

/** `needs-iteration` → `needs_iteration`, any case. */
export const normaliseName = (name: string): string => name.toLowerCase().replace("-", "_");

/** Same length as the input, with quoted regions blanked, so positions still index the original. */
export const maskQuotedRegions = (text: string): string => {
  // Each pattern runs only over a text that can match it: most replies have neither.
  const withoutCdata = text.includes("<![CDATA[")
    ? text.replace(/<!\[CDATA\[[\s\S]*?\]\]>/g, (m) => " ".repeat(m.length))
    : text;
  // Inline code spans: a tag in backticks is an example, never the arbiter's answer.
  return withoutCdata.includes("`") ? withoutCdata.replace(/`[^`\n]+`/g, (m) => " ".repeat(m.length)) : withoutCdata;
};

interface Element {
  /** Normalised: lower case, `_` for `-`. */
  readonly name: string;
  /** Start of the opening tag. */
  readonly start: number;
  readonly contentStart: number;
  readonly contentEnd: number;
  /** End of the closing tag (or of the content when unclosed). */
  readonly end: number;
  /** false when the reply never closed it (cut off), so its content ran to the next known tag. */
  readonly closed: boolean;
}

const nameRegex = (name: string): string => name.replace("_", "[_-]");

// A pattern per tag name, built once: building one per element read was the costliest step of
// reading a reply. Names come from the code's own tag lists, so the map stays small.
const sameTags = new Map<string, RegExp>();
const sameTagOf = (name: string): RegExp => {
  let pattern = sameTags.get(name);
  if (pattern === undefined) {
    pattern = new RegExp(`<\\s*(/)?\\s*${nameRegex(name)}(\\s[^<>]*)?>`, "gi");
    sameTags.set(name, pattern);
  }
  return pattern;
};

/**
 * The end of `name`'s element whose content starts at `from`, counting nested elements of the same
 * name. `balanced`: the nesting came back to zero there; false when it never did and the last closing
 * tag is taken instead (a text still growing may yet close it elsewhere).
 */
export const findClose = (
  masked: string,
  name: string,
  from: number
): { readonly contentEnd: number; readonly end: number; readonly balanced: boolean } | undefined => {
  const same = sameTagOf(name);
  same.lastIndex = from;
  let depth = 1;
  let lastClose: { contentEnd: number; end: number; balanced: boolean } | undefined;
  for (let m = same.exec(masked); m !== null; m = same.exec(masked)) {
    if (m[1] === "/") {
      depth -= 1;
      lastClose = { contentEnd: m.index, end: m.index + m[0].length, balanced: depth === 0 };
      if (depth === 0) return lastClose;
    } else if (!m[0].endsWith("/>")) {
      depth += 1;
    }
  }
  // Unbalanced: a stray opening tag of the same name inside the content. The last closing tag is the
  // best guess at where the arbiter meant the element to end.
  return lastClose;
};

/** Top-level elements of the tags `openTag` matches, in document order. Elements nested in another are skipped. */
const topLevelElements = (masked: string, openTag: RegExp = OPEN_TAG): Array<Element> => {
  const elements: Array<Element> = [];
  let position = 0;
  while (position < masked.length) {
    openTag.lastIndex = position;
    const open = openTag.exec(masked);
    if (open === null) break;
    const name = normaliseName(open[1]!);
    const contentStart = open.index + open[0].length;
    if (open[0].endsWith("/>")) {
      elements.push({
        name,
        start: open.index,
        contentStart,
        contentEnd: contentStart,
        end: contentStart,
        closed: true
      });
      position = contentStart;
      continue;
    }
    const close = findClose(masked, name, contentStart);
    if (close !== undefined) {
      elements.push({
        name,
        start: open.index,
        contentStart,
        contentEnd: close.contentEnd,
        end: close.end,
        closed: true
      });
      position = close.end;
      continue;
    }
    // Never closed (often a reply cut off at max_tokens): the content runs to the next known tag.
    openTag.lastIndex = contentStart;
    const next = openTag.exec(masked);
    const contentEnd = next === null ? masked.length : next.index;
    elements.push({ name, start: open.index, contentStart, contentEnd, end: contentEnd, closed: false });
    position = contentEnd;
  }
  return elements;
};

export const unwrapCdata = (text: string): string =>
  text.includes("<![CDATA[") ? text.replace(/<!\[CDATA\[([\s\S]*?)\]\]>/g, "$1") : text;

/** Removes one code fence wrapping the whole text (```xml ... ```), as models like to add. */
export const stripWrappingFence = (text: string): string => {
  const trimmed = text.trim();
  const fenced = /^```[^\n`]*\n([\s\S]*?)\n?```$/.exec(trimmed);
  return fenced === null ? trimmed : fenced[1]!.trim();
};

/**
 * `0.85`, `.85`, `0,85`, `85%`, `85`, `8.5/10`; the first number in the text counts, so
 * `0.7 (up from 0.5)` is 0.7. Above 1, only a `%`, a `/scale` or a whole number from 2 to 100 reads as
 * a percentage: `1.7` is more likely a slip than 1.7 %, so it is unreadable (undefined), not 0.017.
 */
export const parseConfidence = (text: string): number | undefined => {
  const m = /(-?)(\d+(?:[.,]\d+)?|[.,]\d+)\s*(%|\/\s*(\d+(?:\.\d+)?))?/.exec(text);
  if (m === null) return undefined;
  if (m[1] === "-") return undefined;
  const value = Number(m[2]!.replace(",", "."));
  const wholePercent = Number.isInteger(value) && value >= 2 && value <= 100;
  const scale =
    m[3] === "%" ? 100 : m[4] !== undefined ? Number(m[4]) : value <= 1 ? 1 : wholePercent ? 100 : Number.NaN;
  if (!Number.isFinite(value) || !(scale > 0)) return undefined;
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

export interface ParseOptions {
  /** Texts the arbiter was shown (the answers): an element reproducing one of them is a quotation. */
  readonly quoted?: ReadonlyArray<string>;
}

/** White space and case removed, so a quotation re-spaced or re-cased by the arbiter still matches. */
export const squash = (text: string): string => text.replace(/\s+/g, "").toLowerCase();

const ANY_KNOWN_TAG = new RegExp(`<\\s*(/)?\\s*(${TAG_PATTERN})(\\s[^<>]*)?>`, "gi");

/**
 * Where the content of a closed element holds a known tag that does not nest inside it (e.g.
 * `<synthesis>Paris<confidence>0.9</synthesis></confidence>`), the position of the first stray tag.
 */
const strayTagIn = (masked: string, element: Element): number | undefined => {
  if (!element.closed) return undefined;
  const content = masked.slice(element.contentStart, element.contentEnd);
  const open: Array<{ readonly name: string; readonly at: number }> = [];
  ANY_KNOWN_TAG.lastIndex = 0;
  for (let m = ANY_KNOWN_TAG.exec(content); m !== null; m = ANY_KNOWN_TAG.exec(content)) {
    const name = normaliseName(m[2]!);
    if (m[0].endsWith("/>")) continue;
    if (m[1] !== "/") open.push({ name, at: m.index });
    else if (open.at(-1)?.name === name) open.pop();
    else return element.contentStart + (open[0]?.at ?? m.index);
  }
  return open.length === 0 ? undefined : element.contentStart + open[0]!.at;
};

/**
 * Of each tag, the last top-level element the judge wrote itself: an element reproducing text of one
 * of `quoted` is a quotation and never counts. `onlyQuoted`: the tags found only in quotations.
 */
const ownElements = (raw: string, elements: ReadonlyArray<Element>, quoted: ReadonlyArray<string> = []) => {
  // An element's text starts with its tag's `<`, which squashing keeps: a text without one cannot hold
  // it. Most answers have none, and squashing them and every element was most of reading a reply.
  const quotations = quoted.flatMap((text) => (text.includes("<") ? [squash(text)] : []));
  const isQuotation = (element: Element): boolean => {
    if (quotations.length === 0) return false;
    const span = squash(raw.slice(element.start, element.end));
    return quotations.some((text) => text.includes(span));
  };
  const last = new Map<string, Element>();
  const onlyQuoted = new Set<string>();
  for (const element of elements) {
    if (!isQuotation(element)) {
      last.set(element.name, element);
      onlyQuoted.delete(element.name);
    } else if (!last.has(element.name)) onlyQuoted.add(element.name);
  }
  return { last, onlyQuoted };
};

/**
 * The content of the last top-level `<name>` element a judge wrote itself, read like the arbiter's
 * tags (case, attributes, `-` for `_`, CDATA, never inside inline code, never a quotation of one of
 * `quoted`); `onlyQuoted` when the tag appears only inside quoted text. Never throws.
 */
export const readOwnElement = (
  raw: string,
  name: string,
  quoted: ReadonlyArray<string> = []
): { readonly content: string | undefined; readonly onlyQuoted: boolean } => {
  const masked = maskQuotedRegions(raw);
  const tag = normaliseName(name);
  const { last, onlyQuoted } = ownElements(raw, topLevelElements(masked, openTagOf(nameRegex(tag))), quoted);
  const element = last.get(tag);
  return {
    content: element === undefined ? undefined : unwrapCdata(raw.slice(element.contentStart, element.contentEnd)),
    onlyQuoted: onlyQuoted.has(tag)
  };
};

/** Reads the arbiter's tagged reply. Never throws; what it cannot read it reports in `issues`. */
export const parseArbiterOutput = (raw: string, options: ParseOptions = {}): ParsedArbiterOutput => {
  const masked = maskQuotedRegions(raw);
  const elements = topLevelElements(masked);
  const { last, onlyQuoted } = ownElements(raw, elements, options.quoted);
  const malformed: Array<TagName> = [];
  const content = (name: TagName): string | undefined => {
    const element = last.get(name);
    if (element === undefined) return undefined;
    const stray = strayTagIn(masked, element);
    if (stray !== undefined) malformed.push(name);
    return unwrapCdata(raw.slice(element.contentStart, stray ?? element.contentEnd)).trim();
  };

  const issues: Array<string> = [];
  const analysis = content("analysis") ?? "";
  const dissent = content("dissent") ?? "";
  const areasText = content("refinement_areas");
  const refinementAreas = areasText === undefined ? [] : parseAreas(areasText);
  const synthesisText = content("synthesis");
  const quotedOnly = (name: TagName): string => `<${name}> only inside text quoted from an answer`;

  if (synthesisText === undefined || synthesisText.length === 0) {
    issues.push(
      synthesisText !== undefined
        ? "empty <synthesis>"
        : onlyQuoted.has("synthesis")
          ? quotedOnly("synthesis")
          : "no <synthesis> tag"
    );
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
  if (confidenceText === undefined)
    issues.push(onlyQuoted.has("confidence") ? quotedOnly("confidence") : "no <confidence> tag");
  else if (confidence === undefined) issues.push(`unreadable <confidence> "${confidenceText.slice(0, 40)}"`);

  const needsText = content("needs_iteration");
  const needsIteration = needsText === undefined ? undefined : parseBoolean(needsText);
  if (needsText === undefined) {
    issues.push(onlyQuoted.has("needs_iteration") ? quotedOnly("needs_iteration") : "no <needs_iteration> tag");
  } else if (needsIteration === undefined) issues.push(`unreadable <needs_iteration> "${needsText.slice(0, 40)}"`);
  // Tags that overlap instead of nesting leave no telling which text belongs where: the reply was not
  // read, even if the text before the stray tag is kept as the answer.
  for (const name of malformed) issues.push(`malformed nesting in <${name}>`);
  const readable = malformed.length === 0;

  return {
    synthesis: {
      text: synthesisText,
      // Unreadable confidence counts as none: the stop rule then asks for another round.
      confidence: readable ? (confidence ?? 0) : 0,
      analysis,
      dissent,
      needsIteration: readable ? (needsIteration ?? false) : true,
      refinementAreas,
      parsed: readable
    },
    issues
  };
};
