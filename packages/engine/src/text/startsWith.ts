/**
 * `text.startsWith(start)`, for the long texts a streamed answer is checked against on every piece:
 * V8's startsWith compares them a character at a time, string equality compares memory at once.
 */
export const startsWith = (text: string, start: string): boolean =>
  text.length >= start.length && text.slice(0, start.length) === start;
