// How long the server asked us to wait, from the headers both vendors send on 429/5xx.

interface HeaderReader {
  get(name: string): string | null | undefined;
}

/**
 * `retry-after-ms` (milliseconds, non-standard but sent by OpenAI and honoured by its SDK) wins over
 * `retry-after`, which is seconds or an HTTP date. Unparseable or negative values count as absent;
 * a date in the past means "now" (0).
 */
export const parseRetryAfter = (headers: HeaderReader | undefined, now: number = Date.now()): number | undefined => {
  if (headers === undefined) return undefined;
  const ms = headers.get("retry-after-ms");
  if (ms != null && ms.trim() !== "") {
    const value = Number(ms);
    if (Number.isFinite(value) && value >= 0) return Math.round(value);
  }
  const raw = headers.get("retry-after");
  if (raw == null || raw.trim() === "") return undefined;
  const seconds = Number(raw);
  if (Number.isFinite(seconds)) return seconds >= 0 ? Math.round(seconds * 1000) : undefined;
  const date = Date.parse(raw);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
};

/** `1500` → "1.5s", `2000` → "2s", `250` → "250ms". */
export const formatDelay = (ms: number): string => (ms < 1000 ? `${ms}ms` : `${Number((ms / 1000).toFixed(1))}s`);
