import { type ChildProcess, spawn } from "node:child_process";
import { createRequire } from "node:module";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { Store } from "@consortium/store";
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest";
import { Effect } from "effect";
import { build } from "esbuild";
import { backends } from "./backends.js";
import { tempDir } from "./fixtures.js";

// Honest statuses across hosts: a run whose writer on "host A" was SIGKILLed is swept to
// `interrupted` by a process on "host B" once its lease has run out, and not before; a live run on
// host A that keeps renewing its lease is never touched, however long it has been running.

const tmp = tempDir();
afterAll(tmp.cleanup);
const script = join(tmp.dir, "leased.mjs");

beforeAll(async () => {
  const require = createRequire(import.meta.url);
  const external = (name: string) => ({ path: pathToFileURL(require.resolve(name)).href, external: true });
  await build({
    entryPoints: [fileURLToPath(new URL("./child/leased.ts", import.meta.url))],
    outfile: script,
    bundle: true,
    format: "esm",
    platform: "node",
    target: "node20",
    conditions: ["source"],
    logLevel: "warning",
    banner: {
      js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);"
    },
    plugins: [
      {
        name: "drivers",
        setup: (b) => {
          b.onResolve({ filter: /^better-sqlite3$/ }, () => external("better-sqlite3"));
          b.onResolve({ filter: /^pg$/ }, () => external("pg"));
        }
      }
    ]
  });
});

const HOUR = 3_600_000;

/** Runs a writer to its end (dead) or until it says its lease was renewed (live). */
const hostA = (location: string, mode: "dead" | "live", runId: string, agoMs: number) =>
  new Promise<ChildProcess>((resolve, reject) => {
    const child = spawn(process.execPath, [script, location, mode, runId, "host-a", String(agoMs)], {
      stdio: ["ignore", "pipe", "pipe"]
    });
    let stderr = "";
    child.stderr?.on("data", (chunk) => {
      stderr += chunk;
    });
    child.stdout?.on("data", (chunk: Buffer) => {
      if (chunk.toString().includes("renewed")) resolve(child);
    });
    child.on("error", reject);
    child.on("exit", (_code, signal) =>
      mode === "dead" && signal === "SIGKILL" ? resolve(child) : reject(new Error(`writer ended: ${signal} ${stderr}`))
    );
  });

describe.each(backends)("leases on $name", (backend) => {
  it.live("another host sweeps a dead run once its lease ran out, never a live one", () =>
    Effect.gen(function* () {
      const location = yield* Effect.promise(() => backend.fresh());
      // died an hour into the past: its 30 s lease ran out long ago
      yield* Effect.promise(() => hostA(location, "dead", "dead-long-ago", HOUR));
      // died just now: dead, but its lease has not run out yet
      yield* Effect.promise(() => hostA(location, "dead", "dead-just-now", 0));
      // running for an hour and still alive: its first lease ran out long ago, but it renews
      const live = yield* Effect.promise(() => hostA(location, "live", "alive", HOUR));
      try {
        const statuses = yield* Effect.gen(function* () {
          const store = yield* Store;
          const runs = yield* store.listRuns();
          return {
            byId: Object.fromEntries(runs.map((run) => [run.id, run.status])),
            dead: yield* store.getRun("dead-long-ago")
          };
        }).pipe(Effect.provide(Store.layer(location, { writer: { pid: process.pid, hostname: "host-b" } })));
        expect(statuses.byId).toEqual({
          "dead-long-ago": "interrupted",
          "dead-just-now": "running",
          alive: "running"
        });
        expect(statuses.dead.error).toMatch(
          /^interrupted: the process that wrote this \(pid \d+ on host-a\) stopped renewing its lease/
        );
        expect(statuses.dead.calls).toHaveLength(1);
      } finally {
        live.kill("SIGKILL");
      }
    })
  );
});
