// Errors about a file quote as little of it as lets the reader find the spot: the file may not be
// what it claims to be (a case file that is really a key file), and a long line is noise anyway.

export const EXCERPT_CHARS = 32;

/** At most `max` characters of `text` on one line, with an ellipsis when cut. */
export const excerpt = (text: string, max = EXCERPT_CHARS): string => {
  const line = text.replace(/\s+/g, " ");
  return line.length <= max ? line : `${line.slice(0, max - 1)}…`;
};
