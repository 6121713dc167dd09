// A model's answer is untrusted, and a terminal obeys the control characters in what it is shown, also
// when the text went through a pipe or a file first (`consortium show x | less -R`, `cat answer.md`):
// an answer could retitle the window (OSC 0), write the clipboard (OSC 52), clear the screen, move the
// cursor over earlier output, or hide text (SGR 8). Every control character but new line and tab
// becomes U+FFFD, so a sequence shows as text and does nothing; a carriage return is dropped (a CRLF
// answer reads as it should). Model text goes through `safeText` before any styling of ours is added.

// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROL_BUT_COLOURS = /\u001b\[[0-9;]*m|[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

const neutral = (match: string): string => (match === "\r" ? "" : "\uFFFD");

/** `text` with its control characters but new line and tab made inert. */
export const safeText = (text: string): string => text.replace(CONTROL, neutral);

/**
 * The same for a whole line that already carries our own colours (SGR sequences are kept): the last net
 * over what a terminal is shown. It cannot tell a model's colours from ours, so model text must have
 * gone through `safeText` before.
 */
export const safeStyledText = (text: string): string =>
  text.replace(CONTROL_BUT_COLOURS, (match) => (match.length > 1 ? match : neutral(match)));

// JSON.stringify escapes C0 itself but writes DEL and the C1 controls raw, and a terminal showing the file
// (`cat report.json`, a CI log) obeys them. As \u escapes they parse back to the very same text.
const RAW_IN_JSON = /[\u007f-\u009f]/g;

/** JSON text (as JSON.stringify writes it) with the controls it leaves raw escaped: the same value, inert when shown. */
export const inertJson = (json: string): string =>
  json.replace(RAW_IN_JSON, (match) => `\\u${match.charCodeAt(0).toString(16).padStart(4, "0")}`);
