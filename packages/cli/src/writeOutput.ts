import { writeFile } from "node:fs/promises";
import { Effect } from "effect";
import { UsageError } from "./failures.js";

/** A report file the user named (-o, --junit) that cannot be written: bad input, exit 2. */
export const writeOutput = (path: string, text: string): Effect.Effect<void, UsageError> =>
  Effect.tryPromise({
    try: () => writeFile(path, text),
    catch: (error) =>
      new UsageError({ message: `cannot write ${path}: ${error instanceof Error ? error.message : String(error)}` })
  });
