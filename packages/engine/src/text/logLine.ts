import * as Logger from "effect/Logger";
import * as LogLevel from "effect/LogLevel";
import { safeText } from "./controls.js";

// How something the program logs (a row the store could not save, a cassette not written) reads on
// stderr: `warning: …`, as the commands' own warnings read, without the time and fiber number of
// Effect's loggers, which tell a user nothing. The text can carry a provider's error message, so it is
// made inert for a terminal like any model text.

const prefix = (level: LogLevel.LogLevel): string =>
  LogLevel.greaterThanEqual(level, LogLevel.Error) ? "error: " : level._tag === "Warning" ? "warning: " : "";

/** The message of a log call as one string (`Effect.log("a", "b")` gives an array). */
const messageText = (message: unknown): string =>
  (Array.isArray(message) ? message : [message]).map((part) => String(part)).join(" ");

export const logLine = (level: LogLevel.LogLevel, message: unknown): string =>
  `${prefix(level)}${safeText(messageText(message))}`;

/** A logger writing `logLine`s to stderr: stdout carries only results. */
export const stderrLogger: Logger.Logger<unknown, void> = Logger.make(({ logLevel, message }) => {
  process.stderr.write(`${logLine(logLevel, message)}\n`);
});
