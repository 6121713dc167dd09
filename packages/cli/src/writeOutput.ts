import { closeSync, openSync, statSync, unlinkSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { messageOf } from "@consortium/config/messageOf";
import { Effect } from "effect";
import { UsageError } from "./failures.js";

/** A report file the user named (-o, --junit) that cannot be written: bad input, exit 2. */
export const writeOutput = (path: string, text: string): Effect.Effect<void, UsageError> =>
  Effect.tryPromise({
    try: () => writeFile(path, text),
    catch: (error) => new UsageError({ message: `cannot write ${path}: ${messageOf(error)}`, help: false })
  });

/** Whether `path` can be opened for writing, leaving a file that was there as it was and none that was not. */
const writable = (path: string): string | undefined => {
  let existed = true;
  try {
    if (statSync(path).isDirectory()) return "it is a folder";
  } catch {
    existed = false;
  }
  try {
    // append mode creates a missing file and changes nothing in one that is there
    closeSync(openSync(path, "a"));
    if (!existed) unlinkSync(path);
    return undefined;
  } catch (error) {
    return messageOf(error);
  }
};

/**
 * Fails on the first report path (-o, --junit, --html, --record) that could not be written, before any
 * model call: found only afterwards, the calls' cost would be spent for a report that is never written.
 */
export const checkWritable = (paths: ReadonlyArray<string | undefined>): Effect.Effect<void, UsageError> =>
  Effect.suspend(() => {
    for (const path of paths) {
      if (path === undefined) continue;
      const problem = writable(path);
      if (problem !== undefined) {
        return Effect.fail(new UsageError({ message: `cannot write ${path}: ${problem}`, help: false }));
      }
    }
    return Effect.void;
  });
