import { resolve } from "node:path";
import { safeText } from "@consortium/engine/text";
import { StartFailed, startMcp } from "@consortium/server";
import * as Effect from "effect/Effect";
import { UsageError } from "../failures.js";

declare const __CONSORTIUM_VERSION__: string;

// `consortium mcp`: serves until the client closes stdin; an interrupt (SIGINT/SIGTERM) cuts the runs
// in flight, which are then stored `interrupted`.

export const executeMcp = (flags: { readonly dir: string; readonly db: string | undefined; readonly noLog: boolean }) =>
  Effect.gen(function* () {
    // a line can carry a provider's or a model's words (a failed run's error)
    const log = (line: string) => process.stderr.write(`${safeText(line)}\n`);
    const server = yield* Effect.tryPromise({
      try: () =>
        startMcp({
          dir: resolve(flags.dir),
          db: flags.db,
          noLog: flags.noLog,
          version: typeof __CONSORTIUM_VERSION__ === "string" ? __CONSORTIUM_VERSION__ : "dev",
          log
        }),
      catch: (error) =>
        new UsageError({ message: error instanceof StartFailed ? error.message : String(error), help: false })
    });
    yield* Effect.promise(() => server.closed).pipe(Effect.ensuring(Effect.promise(() => server.close())));
  });
