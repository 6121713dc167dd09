import { safeStyledText, safeText } from "@consortium/engine/text";
import type * as Console from "effect/Console";
import * as Effect from "effect/Effect";

// @effect/cli always writes help and its errors with ANSI styles. Keep them for a terminal; strip them
// for pipes, files, NO_COLOR and TERM=dumb, so scripts, logs and editors' shells get plain text.

// biome-ignore lint/suspicious/noControlCharactersInRegex: matching ANSI escape sequences is the point
const ANSI = /\u001b\[[0-9;]*m/g;

export const stripAnsi = (text: string): string => text.replace(ANSI, "");

export interface Streams {
  readonly stdoutColors: boolean;
  readonly stderrColors: boolean;
  /** Whether stderr can be redrawn in place (cursor up, erase line): the live progress display. */
  readonly stderrLive: boolean;
}

/**
 * Colours only on a terminal, never with NO_COLOR set (https://no-color.org) nor on a dumb terminal
 * (TERM=dumb: an editor's shell, a CI log viewer with a pty), which also cannot move its cursor.
 */
export const detectStreams = (
  env: NodeJS.ProcessEnv = process.env,
  terminals: { readonly stdout: boolean; readonly stderr: boolean } = {
    stdout: process.stdout.isTTY === true,
    stderr: process.stderr.isTTY === true
  }
): Streams => {
  const capable = env.TERM !== "dumb";
  const allowed = capable && (env.NO_COLOR === undefined || env.NO_COLOR === "");
  return {
    stdoutColors: allowed && terminals.stdout,
    stderrColors: allowed && terminals.stderr,
    stderrLive: capable && terminals.stderr
  };
};

const mapText = (args: ReadonlyArray<unknown>, f: (text: string) => string): Array<unknown> =>
  args.map((arg) => (typeof arg === "string" ? f(arg) : arg));

/**
 * `base` minus ANSI styles on the streams that should not get them, and with no control character that
 * a terminal would obey, on either stream: the net under the model text each command already made safe.
 */
export const consoleFor = (
  base: Console.Console,
  streams: Pick<Streams, "stdoutColors" | "stderrColors">
): Console.Console => {
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
