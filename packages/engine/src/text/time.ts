// The last timestamp written, and its text: calls that end in the same millisecond (thousands in a
// replayed eval) share one string instead of a Date and a toISOString each.
let lastMs = Number.NaN;
let lastText = "";

/** A timestamp as stored and sent: ISO 8601 in UTC with milliseconds. */
export const iso = (ms: number): string => {
  if (ms !== lastMs) {
    lastText = new Date(ms).toISOString();
    lastMs = ms;
  }
  return lastText;
};
