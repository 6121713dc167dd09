// The few terminal escape sequences the displays use, in one place. Whether a stream is a terminal,
// and whether colour is wanted (NO_COLOR), is the caller's decision.

const CSI = "\u001b[";

/** Erases the line the cursor is on. */
export const CLEAR_LINE = `${CSI}2K`;

/** Moves the cursor up `lines` lines (nothing for zero). */
export const cursorUp = (lines: number): string => (lines > 0 ? `${CSI}${lines}A` : "");

export const dim = (text: string): string => `${CSI}2m${text}${CSI}22m`;

export const green = (text: string): string => `${CSI}32m${text}${CSI}0m`;

export const red = (text: string): string => `${CSI}31m${text}${CSI}0m`;
