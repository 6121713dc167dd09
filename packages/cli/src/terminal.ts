import type * as Console from "effect/Console";
import * as Effect from "effect/Effect";

// @effect/cli always writes help and its errors with ANSI styles. Keep them for a terminal; strip them
// for pipes, files and NO_COLOR, so scripts and logs get plain text.

// biome-ignore lint/suspicious/noControlCharactersInRegex: matching ANSI escape sequences is the point
const ANSI = /\u001b\[[0-9;]*m/g;

export const stripAnsi = (text: string): string => text.replace(ANSI, "");

// A model's answer is untrusted, and a terminal obeys the escape sequences in what it is shown: an
// answer could retitle the window, write the clipboard (OSC 52) or move the cursor over earlier output.
// Text for a terminal keeps colour codes and replaces every other control character but new line and
// tab with U+FFFD; a carriage return is dropped (a CRLF answer reads as it should). Pipes and files get
// the bytes as they were.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const UNSAFE = /\u001b\[[0-9;]*m|[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

export const terminalSafe = (text: string): string =>
  text.replace(UNSAFE, (match) => (match.length > 1 ? match : match === "\r" ? "" : "\uFFFD"));

export interface Streams {
  readonly stdoutColors: boolean;
  readonly stderrColors: boolean;
  /** stdout is a terminal: what goes there is made safe to show. */
  readonly stdoutTerminal: boolean;
}

/** Colours only on a terminal, and never with NO_COLOR set (https://no-color.org). */
export const detectStreams = (env: NodeJS.ProcessEnv = process.env): Streams => {
  const allowed = env.NO_COLOR === undefined || env.NO_COLOR === "";
  return {
    stdoutColors: allowed && process.stdout.isTTY === true,
    stderrColors: allowed && process.stderr.isTTY === true,
    stdoutTerminal: process.stdout.isTTY === true
  };
};

const mapText = (args: ReadonlyArray<unknown>, f: (text: string) => string): Array<unknown> =>
  args.map((arg) => (typeof arg === "string" ? f(arg) : arg));

/** `base` minus ANSI styles on the streams that should not get them, and stdout safe on a terminal. */
export const consoleFor = (base: Console.Console, streams: Streams): Console.Console => {
  const out = (method: (...args: ReadonlyArray<unknown>) => Effect.Effect<void>, colors: boolean) =>
    colors ? method : (...args: ReadonlyArray<unknown>) => method(...mapText(args, stripAnsi));
  const safe = (method: (...args: ReadonlyArray<unknown>) => Effect.Effect<void>) =>
    streams.stdoutTerminal ? (...args: ReadonlyArray<unknown>) => method(...mapText(args, terminalSafe)) : method;
  return {
    ...base,
    log: safe(out(base.log, streams.stdoutColors)),
    info: safe(out(base.info, streams.stdoutColors)),
    error: out(base.error, streams.stderrColors),
    warn: out(base.warn, streams.stderrColors)
  };
};

/** Runs `self` with the current console stripped of ANSI styles where `streams` says so. */
export const withStreams =
  (streams: Streams) =>
  <A, E, R>(self: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
    Effect.consoleWith((base) => Effect.withConsole(self, consoleFor(base, streams)));
