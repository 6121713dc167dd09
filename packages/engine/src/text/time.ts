// The last timestamp written, and its text: calls that end in the same millisecond (thousands in a
// replayed eval) share one string instead of a Date and a toISOString each. A millisecond within the
// last second written reuses that second's text and writes only its own three digits: calls in
// flight together end out of order, so most timestamps are new milliseconds of a recent second.
let lastMs = Number.NaN;
let lastText = "";
let secondStartMs = Number.NaN;
/** "2026-11-30T10:20:13." of the second that starts at secondStartMs. */
let secondText = "";

/** Four-digit years only: outside them toISOString writes a sign and six digits. */
const LAST_FOUR_DIGIT_MS = 253_402_300_799_999;

/** A timestamp as stored and sent: ISO 8601 in UTC with milliseconds. */
export const iso = (ms: number): string => {
  if (ms === lastMs) return lastText;
  const withinSecond = ms - secondStartMs;
  if (withinSecond >= 0 && withinSecond < 1000 && Number.isInteger(ms)) {
    lastText = `${secondText}${withinSecond < 10 ? "00" : withinSecond < 100 ? "0" : ""}${withinSecond}Z`;
  } else {
    lastText = new Date(ms).toISOString();
    if (Number.isInteger(ms) && ms >= 0 && ms <= LAST_FOUR_DIGIT_MS) {
      secondStartMs = ms - (ms % 1000);
      secondText = lastText.slice(0, 20);
    }
  }
  lastMs = ms;
  return lastText;
};
