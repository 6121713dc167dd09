const ELLIPSIS = "…";

/**
 * One line: newlines and runs of white space collapse to one space. With a `width`, at most that many
 * characters, an ellipsis saying that more was cut.
 */
export const oneLine = (text: string, width?: number): string => {
  const flat = text.replace(/\s+/g, " ").trim();
  return width === undefined || flat.length <= width
    ? flat
    : `${flat.slice(0, Math.max(0, width - 1)).trimEnd()}${ELLIPSIS}`;
};

/** `1 call`, `3 calls`. */
export const plural = (count: number, noun: string): string => `${count} ${noun}${count === 1 ? "" : "s"}`;
