// Small pure helpers the store's renderers share (numbers, durations and one-line cuts come from the
// engine, where every report gets them).

/** "2025-01-02T10:11:12.345Z" → "2025-01-02 10:11:12" (UTC, like the stored value). */
export const formatTime = (iso: string | null): string => (iso === null ? "-" : iso.slice(0, 19).replace("T", " "));

const ELLIPSIS = "…";

/** The first `lines` lines and at most `chars` characters; an ellipsis says when more was cut. */
export const textHead = (text: string, lines = 3, chars = 200): ReadonlyArray<string> => {
  const normalized = text.replace(/\r\n?/g, "\n").trim();
  const all = normalized.split("\n");
  const kept: Array<string> = [];
  let budget = chars;
  for (const line of all.slice(0, lines)) {
    if (budget <= 0) break;
    kept.push(line.length > budget ? line.slice(0, budget) : line);
    budget -= line.length;
  }
  const cut = kept.join("\n").length < normalized.length;
  if (cut && kept.length > 0) kept[kept.length - 1] = `${kept[kept.length - 1]}${ELLIPSIS}`;
  return kept;
};

export const indent = (lines: ReadonlyArray<string>, prefix: string): ReadonlyArray<string> =>
  lines.map((line) => `${prefix}${line}`);
