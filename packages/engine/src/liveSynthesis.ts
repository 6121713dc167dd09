import {
  findClose,
  maskQuotedRegions,
  normaliseName,
  openTagOf,
  squash,
  TAG_PATTERN,
  unwrapCdata
} from "./parseArbiter.js";
import { startsWith } from "./text/startsWith.js";

// The arbiter's synthesis while its reply is still being written: of the text so far, the part of
// the synthesis that is certain, i.e. that parseArbiterOutput will read at the start of the synthesis
// of the whole reply, whatever comes next. It reads the reply as the parser does (case, white space,
// attributes, `-` for `_`, CDATA, inline code, only top-level elements, never an element that is a
// quotation of an answer) and holds back whatever the rest of the reply could still change: a tag
// not yet closed (`<synth`), an open CDATA section or inline code span, an element before the
// synthesis not yet closed (a `<synthesis>` inside an open `<analysis>` may be a quotation), any
// known tag inside the synthesis (its nesting decides where the synthesis ends), and white space at
// either end (the parser trims it). The one thing it cannot know is a second top-level `<synthesis>`
// further on, which the parser would take instead: the caller compares with the parsed reply at the end.

const OPEN_TAG = openTagOf(TAG_PATTERN);
const ANY_KNOWN_TAG = new RegExp(`<\\s*/?\\s*(?:${TAG_PATTERN})(?:\\s[^<>]*)?>`, "gi");
const CDATA = /<!\[CDATA\[[\s\S]*?\]\]>/g;

/** The length of the start of `raw` that no later text can read differently (tags, CDATA, inline code). */
export const settledLength = (raw: string): number => {
  let cut = raw.length;
  // A `<` with no `>` after it may still become a tag.
  const lt = raw.lastIndexOf("<");
  if (lt >= 0 && raw.indexOf(">", lt) < 0) cut = lt;
  // A CDATA section not yet closed will be masked once it is.
  const cdataMasked = raw.replace(CDATA, (m) => " ".repeat(m.length));
  const openCdata = cdataMasked.indexOf("<![CDATA[");
  if (openCdata >= 0) cut = Math.min(cut, openCdata);
  // Inline code never spans lines, so only the line the cut falls in can still change: a backtick there whose
  // closing one has not come yet may open a span that masks what follows it. So may one whose closing
  // backtick lies past the cut: the text kept would read it unclosed.
  const lineStart = cut === 0 ? 0 : cdataMasked.lastIndexOf("\n", cut - 1) + 1;
  for (let i = cdataMasked.indexOf("`", lineStart); i >= 0 && i < cut; ) {
    const next = cdataMasked.indexOf("`", i + 1);
    if (next < 0 || next > cut) return Math.min(cut, i);
    i = next === i + 1 ? next : cdataMasked.indexOf("`", next + 1);
  }
  return cut;
};

/** Where `name`'s element whose content starts at `from` closes, counting nesting; undefined while open. */
const balancedClose = (masked: string, name: string, from: number) => {
  const close = findClose(masked, name, from);
  return close?.balanced === true ? close : undefined;
};

/**
 * A reader of the certain start of the synthesis in a reply still being written (see above); "" while
 * nothing is certain. `quoted`: the answers the arbiter was shown, as given to parseArbiterOutput.
 * Called again with the reply grown by a piece that holds no `<` and no backtick, when all of the reply
 * was certain, it reads only the piece: it extends an open synthesis, and before the synthesis it
 * changes nothing. Reading the whole reply again for every token would cost time in the square of the
 * reply's length.
 */
export const liveSynthesisReader = (quoted: ReadonlyArray<string> = []): ((raw: string) => string) => {
  // Squashed at the first reading: most runs never stream, and build a reader all the same.
  let squashed: ReadonlyArray<string> | undefined;
  const answersOf = (): ReadonlyArray<string> => {
    squashed ??= quoted.map(squash).filter((answer) => answer.length > 0);
    return squashed;
  };
  let previous = "";
  let last: Reading = { text: "" };
  return (raw) => {
    if (
      (last.open !== undefined || last.before === true) &&
      raw.length > previous.length &&
      startsWith(raw, previous)
    ) {
      const piece = raw.slice(previous.length);
      if (!/[<`]/.test(piece)) {
        previous = raw;
        if (last.open === undefined) return "";
        last = { text: "", open: last.open + piece };
        return last.open!.trim();
      }
    }
    last = liveSynthesis(raw, answersOf());
    previous = raw;
    return last.text;
  };
};

/**
 * The certain synthesis. When all of the reply was certain, so that a piece with no tag, CDATA or code
 * span in it changes nothing but the text it adds: `open`, the synthesis's content untrimmed, while it
 * is open; `before`, while the reply has not reached it (no tag yet, or an element before it open).
 */
interface Reading {
  readonly text: string;
  readonly open?: string;
  readonly before?: true;
}

const liveSynthesis = (raw: string, answers: ReadonlyArray<string>): Reading => {
  const text = raw.slice(0, settledLength(raw));
  const masked = maskQuotedRegions(text);
  const before: Reading = text.length === raw.length ? { text: "", before: true } : { text: "" };
  for (let position = 0; ; ) {
    OPEN_TAG.lastIndex = position;
    const open = OPEN_TAG.exec(masked);
    if (open === null) return before;
    const name = normaliseName(open[1]!);
    const contentStart = open.index + open[0].length;
    const selfClosing = open[0].endsWith("/>");
    if (name !== "synthesis") {
      if (selfClosing) {
        position = contentStart;
        continue;
      }
      // An element not closed yet may hold a quoted `<synthesis>`: nothing is certain until it closes.
      const close = balancedClose(masked, name, contentStart);
      if (close === undefined) return before;
      position = close.end;
      continue;
    }
    // An empty synthesis makes the parser fall back to the text outside the tags.
    if (selfClosing) return { text: "" };
    const close = balancedClose(masked, name, contentStart);
    let end = close?.contentEnd ?? masked.length;
    ANY_KNOWN_TAG.lastIndex = contentStart;
    const inner = ANY_KNOWN_TAG.exec(masked);
    if (inner !== null && inner.index < end) end = inner.index;
    // An element that reproduces an answer is a quotation; a start that is no part of any answer
    // cannot grow into one.
    const span = squash(text.slice(open.index, end));
    if (answers.some((answer) => answer.includes(span))) return { text: "" };
    const content = unwrapCdata(text.slice(contentStart, end));
    const growing = close === undefined && end === raw.length;
    return growing ? { text: content.trim(), open: content } : { text: content.trim() };
  }
};
