// Small pure helpers the renderers share: how numbers, times and long texts look in a terminal.

export const formatDuration = (ms: number | null): string => {
  if (ms === null) return "-";
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const minutes = Math.floor(ms / 60_000);
  const seconds = Math.round((ms % 60_000) / 1000);
  if (minutes < 60) return `${minutes}m${String(seconds).padStart(2, "0")}s`;
  return `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, "0")}m`;
};

export const formatCount = (n: number): string => Math.round(n).toLocaleString("en-US");

export const formatConfidence = (confidence: number | null): string =>
  confidence === null ? "-" : confidence.toFixed(2);

/** Cents hide most single runs' cost, so below a dollar show four decimals. */
export const formatCost = (usd: number | null): string | null =>
  usd === null ? null : `$${usd < 1 ? usd.toFixed(4) : usd.toFixed(2)}`;

/** "2025-01-02T10:11:12.345Z" → "2025-01-02 10:11:12" (UTC, like the stored value). */
export const formatTime = (iso: string | null): string => (iso === null ? "-" : iso.slice(0, 19).replace("T", " "));

const ELLIPSIS = "…";

/** One line, at most `width` characters: newlines and runs of white space collapse to one space. */
export const oneLine = (text: string, width: number): string => {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length <= width ? flat : `${flat.slice(0, Math.max(0, width - 1)).trimEnd()}${ELLIPSIS}`;
};

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

export const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? "" : "s"}`;
