import { resolve } from "node:path";
import { parseDuration } from "@consortium/config";
import { safeText } from "@consortium/engine/text";
import { isLoopback, parseSize, StartFailed, startServer, untilSignal } from "@consortium/server";
import * as Effect from "effect/Effect";
import * as Either from "effect/Either";
import { UsageError } from "../failures.js";

// `consortium serve`: checks the flags, starts the server, prints the ready line, and runs until a
// signal has drained it. Loaded lazily, like `run`.

export interface ServeFlags {
  readonly host: string;
  readonly port: number;
  readonly dir: string;
  readonly maxRuns: number;
  readonly maxQueue: number | undefined;
  readonly apiKeyEnv: string | undefined;
  readonly maxBody: string;
  readonly grace: string;
  readonly quiet: boolean;
  readonly db: string | undefined;
  readonly noLog: boolean;
}

// Each message names the flag and what it expects (or what went wrong): one line, no pointer to --help.
const usage = (message: string) => new UsageError({ message, help: false });

const check = (flags: ServeFlags) =>
  Effect.gen(function* () {
    if (!Number.isInteger(flags.port) || flags.port < 0 || flags.port > 65535) {
      return yield* usage(`--port ${flags.port}: expected 0..65535`);
    }
    if (flags.maxRuns < 1) return yield* usage(`--max-runs ${flags.maxRuns}: expected at least 1`);
    // A line of four runs per slot: a client that cannot retry (most chat clients) still gets its
    // answer, and the last in line waits about four run lengths, well inside the OpenAI SDKs'
    // ten-minute timeout for runs of a minute or two; past that, 429 says the server is overloaded.
    const maxQueue = flags.maxQueue ?? 4 * flags.maxRuns;
    if (maxQueue < 0) return yield* usage(`--max-queue ${maxQueue}: expected 0 or more`);
    const maxBodyBytes = parseSize(flags.maxBody);
    if (maxBodyBytes === undefined)
      return yield* usage(`--max-body ${flags.maxBody}: expected e.g. 1mb, 512kb or bytes`);
    const grace = parseDuration(flags.grace);
    if (Either.isLeft(grace)) return yield* usage(`--grace ${flags.grace}: ${grace.left}`);
    let apiKey: string | undefined;
    if (flags.apiKeyEnv !== undefined) {
      apiKey = process.env[flags.apiKeyEnv];
      if (apiKey === undefined || apiKey === "") {
        return yield* usage(`--api-key-env ${flags.apiKeyEnv}: that environment variable is not set`);
      }
    } else if (!isLoopback(flags.host)) {
      return yield* usage(
        `--host ${flags.host} is reachable from other machines: also give --api-key-env NAME so clients must authenticate`
      );
    }
    return { maxBodyBytes, graceMs: grace.right, apiKey, maxQueue };
  });

export const executeServe = (flags: ServeFlags) =>
  Effect.gen(function* () {
    const checked = yield* check(flags);
    // a line can carry a provider's or a model's words (a failed run's error)
    const log = (line: string) => process.stderr.write(`${safeText(line)}\n`);
    const server = yield* Effect.tryPromise({
      try: () =>
        startServer({
          host: flags.host,
          port: flags.port,
          dir: resolve(flags.dir),
          db: flags.db,
          noLog: flags.noLog,
          maxRuns: flags.maxRuns,
          maxQueue: checked.maxQueue,
          apiKey: checked.apiKey,
          maxBodyBytes: checked.maxBodyBytes,
          graceMs: checked.graceMs,
          log: flags.quiet ? () => {} : log
        }),
      catch: (error) => usage(error instanceof StartFailed ? error.message : `cannot start: ${String(error)}`)
    });
    // the ready line: machine-readable, so scripts and tests wait for it instead of sleeping
    process.stdout.write(`${JSON.stringify({ listening: server.url, port: server.port })}\n`);
    log(`consortium serve: ${server.url}/v1 (consortia from ${resolve(flags.dir)})`);
    yield* Effect.promise(() => untilSignal(server.shutdown, log));
    log("consortium serve: stopped");
  });
