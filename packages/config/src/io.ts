import { readFile } from "node:fs/promises";
import * as Effect from "effect/Effect";
import { ConfigError } from "./errors.js";

const REASONS: Record<string, string> = {
  ENOENT: "no such file",
  EISDIR: "is a directory, not a file",
  EACCES: "permission denied",
  ENOTDIR: "a folder on the path is a file"
};

/** Why a file could not be read, in words (never a stack). */
export const readFailure = (error: unknown): string => {
  const code = typeof error === "object" && error !== null && "code" in error ? String(error.code) : "";
  return `cannot read: ${REASONS[code] ?? (error instanceof Error ? error.message : String(error))}`;
};

/** The file's text; failure is the reason in words. */
export const readText = (path: string): Effect.Effect<string, string> =>
  Effect.tryPromise({ try: () => readFile(path, "utf8"), catch: readFailure });

export const unreadable = (display: string, reason: string): ConfigError =>
  new ConfigError({ file: display, issues: [{ file: display, line: 0, column: 0, path: "", message: reason }] });
