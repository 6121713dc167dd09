import { safeStyledText, safeText } from "@consortium/engine/text";
import type * as Console from "effect/Console";
import * as Effect from "effect/Effect";

// @effect/cli always writes help and its errors with ANSI styles. Keep them for a terminal; strip them
// for pipes, files and NO_COLOR, so scripts and logs get plain text.

// biome-ignore lint/suspicious/noControlCharactersInRegex: matching ANSI escape sequences is the point
const ANSI = /\u001b\[[0-9;]*m/g;

export const stripAnsi = (text: string): string => text.replace(ANSI, "");

export interface Streams {
  readonly stdoutColors: boolean;
  readonly stderrColors: boolean;
}

/** Colours only on a terminal, and never with NO_COLOR set (https://no-color.org). */
export const detectStreams = (env: NodeJS.ProcessEnv = process.env): Streams => {
  const allowed = env.NO_COLOR === undefined || env.NO_COLOR === "";
  return {
    stdoutColors: allowed && process.stdout.isTTY === true,
    stderrColors: allowed && process.stderr.isTTY === true
  };
};

const mapText = (args: ReadonlyArray<unknown>, f: (text: string) => string): Array<unknown> =>
  args.map((arg) => (typeof arg === "string" ? f(arg) : arg));

/**
 * `base` minus ANSI styles on the streams that should not get them, and with no control character that
 * a terminal would obey, on either stream: the net under the model text each command already made safe.
 */
export const consoleFor = (base: Console.Console, streams: Streams): Console.Console => {
  const out = (method: (...args: ReadonlyArray<unknown>) => Effect.Effect<void>, colors: boolean) => {
    const clean = colors ? safeStyledText : (text: string) => safeText(stripAnsi(text));
    return (...args: ReadonlyArray<unknown>) => method(...mapText(args, clean));
  };
  return {
    ...base,
    log: out(base.log, streams.stdoutColors),
    info: out(base.info, streams.stdoutColors),
    error: out(base.error, streams.stderrColors),
    warn: out(base.warn, streams.stderrColors)
  };
};

/** Runs `self` with the current console stripped of ANSI styles where `streams` says so. */
export const withStreams =
  (streams: Streams) =>
  <A, E, R>(self: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
    Effect.consoleWith((base) => Effect.withConsole(self, consoleFor(base, streams)));
