import { spawn } from "node:child_process";
import { messageOf } from "@consortium/config/messageOf";
import * as Effect from "effect/Effect";
import * as Layer from "effect/Layer";
import { UsageError } from "../failures.js";
import { storeModule, viewModule } from "../lazy.js";

// `consortium view`: checks where it may listen, brings the database's schema up to date once, then
// serves it through a read-only connection until interrupted. Loaded lazily.

export interface ViewFlags {
  readonly db: string | undefined;
  readonly host: string;
  readonly port: number;
  readonly open: boolean;
  readonly apiKeyEnv: string | undefined;
}

const openInBrowser = (url: string) =>
  Effect.sync(() => {
    const command = process.platform === "darwin" ? "open" : process.platform === "win32" ? "explorer" : "xdg-open";
    const child = spawn(command, [url], { detached: true, stdio: "ignore" });
    child.on("error", () => undefined);
    child.unref();
  });

export const serveView = (flags: ViewFlags) =>
  Effect.gen(function* () {
    const { startViewer } = yield* viewModule;
    const { isLoopback } = yield* Effect.promise(() => import("@consortium/server/access"));
    const { displayLocation, resolveDbPath, Store } = yield* storeModule;
    if (flags.port < 0 || flags.port > 65535) {
      return yield* new UsageError({ message: `--port must be 0..65535, not ${flags.port}`, help: false });
    }
    if (!isLoopback(flags.host) && flags.apiKeyEnv === undefined) {
      return yield* new UsageError({
        message: `refusing to serve on ${flags.host} without --api-key-env: off loopback every request must carry a bearer token`,
        help: false
      });
    }
    const apiKey = flags.apiKeyEnv === undefined ? undefined : process.env[flags.apiKeyEnv];
    if (flags.apiKeyEnv !== undefined && (apiKey === undefined || apiKey === "")) {
      return yield* new UsageError({
        message: `--api-key-env ${flags.apiKeyEnv}: that environment variable is not set`,
        help: false
      });
    }
    const path = resolveDbPath({ flag: flags.db });
    // Migrating and marking abandoned runs is what any command does on open; the server's own
    // connection then reads only. A database that is not there is not made: there is nothing to view.
    yield* Effect.scoped(Layer.build(Store.layer(path, { mustExist: true })));
    const serve = Effect.gen(function* () {
      const store = yield* Store;
      const viewer = yield* Effect.acquireRelease(
        Effect.tryPromise({
          try: () =>
            startViewer({ store, host: flags.host, port: flags.port, ...(apiKey === undefined ? {} : { apiKey }) }),
          catch: (cause) =>
            new UsageError({
              message: `cannot listen on ${flags.host}:${flags.port}: ${messageOf(cause)}`,
              help: false
            })
        }),
        (started) => Effect.promise(() => started.close())
      );
      yield* Effect.sync(() =>
        process.stderr.write(`consortium view: ${viewer.url} (read-only ${displayLocation(path)}; Ctrl-C stops)\n`)
      );
      if (flags.open) yield* openInBrowser(viewer.url);
      return yield* Effect.never;
    });
    return yield* serve.pipe(Effect.scoped, Effect.provide(Store.layer(path, { readOnly: true })));
  });
