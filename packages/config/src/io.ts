import { readFile, stat } from "node:fs/promises";
import * as Effect from "effect/Effect";
import { ConfigError } from "./errors.js";
import { messageOf } from "./messageOf.js";

const REASONS: Record<string, string> = {
  ENOENT: "no such file",
  EISDIR: "is a directory, not a file",
  EACCES: "permission denied",
  ENOTDIR: "a folder on the path is a file"
};

/** Why a file could not be read, in words (never a stack). */
export const readFailure = (error: unknown): string => {
  const code = typeof error === "object" && error !== null && "code" in error ? String(error.code) : "";
  return `cannot read: ${REASONS[code] ?? messageOf(error)}`;
};

/**
 * Consortium and suite files are a page or two of YAML; parsing a huge one (a generated list of a
 * million members) would take the process's memory with it, so it is refused by its size, unread.
 */
export const MAX_CONFIG_BYTES = 2 * 1024 * 1024;
/** Case files (JSONL, CSV) may hold many cases, but not without bound either. */
export const MAX_CASE_FILE_BYTES = 64 * 1024 * 1024;

const megabytes = (bytes: number): string => `${(bytes / (1024 * 1024)).toFixed(bytes < 1024 * 1024 ? 2 : 1)} MB`;

/** The file's text; failure is the reason in words (including a file larger than `maxBytes`). */
export const readText = (
  path: string,
  maxBytes = MAX_CONFIG_BYTES,
  what = "a consortium or suite file"
): Effect.Effect<string, string> =>
  Effect.tryPromise({
    try: async () => {
      const { size } = await stat(path);
      if (size > maxBytes) return { tooLarge: size };
      return { text: await readFile(path, "utf8") };
    },
    catch: readFailure
  }).pipe(
    Effect.flatMap((read) =>
      "text" in read
        ? Effect.succeed(read.text)
        : Effect.fail(
            `the file is ${megabytes(read.tooLarge)}; ${what} may be at most ${megabytes(maxBytes).replace(".0 MB", " MB")}`
          )
    )
  );

export const unreadable = (display: string, reason: string): ConfigError =>
  new ConfigError({ file: display, issues: [{ file: display, line: 0, column: 0, path: "", message: reason }] });
