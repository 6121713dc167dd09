import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { Store } from "@consortium/store";
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest";
import BetterSqlite3 from "better-sqlite3";
import { Effect } from "effect";
import { build } from "esbuild";
import { tempDir } from "./fixtures.js";

const tmp = tempDir();
afterAll(tmp.cleanup);
const script = join(tmp.dir, "writer.mjs");

beforeAll(async () => {
  // The child runs the store's TypeScript source, bundled; the native addon stays external and is
  // loaded from this package's node_modules by absolute URL.
  const betterSqlite3 = pathToFileURL(createRequire(import.meta.url).resolve("better-sqlite3")).href;
  await build({
    entryPoints: [fileURLToPath(new URL("./child/writer.ts", import.meta.url))],
    outfile: script,
    bundle: true,
    format: "esm",
    platform: "node",
    target: "node20",
    conditions: ["source"],
    logLevel: "warning",
    // bundled CommonJS dependencies (ajv, via eval) call require(); give the ESM bundle one
    banner: {
      js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);"
    },
    plugins: [
      {
        name: "native-addon",
        setup: (b) => b.onResolve({ filter: /^better-sqlite3$/ }, () => ({ path: betterSqlite3, external: true }))
      }
    ]
  });
});

interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stderr: string;
}

const runChild = (args: ReadonlyArray<string>): Promise<Exit> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, ...args], { stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (chunk) => {
      stderr += chunk;
    });
    child.on("error", reject);
    child.on("exit", (code, signal) => resolve({ code, signal, stderr }));
  });

describe("several processes", () => {
  it("four processes writing one fresh database at once all land every row", async () => {
    const path = join(tmp.dir, "shared.db");
    const runs = 20;
    const calls = 8;
    const startAt = String(Date.now() + 600);
    const exits = await Promise.all(
      [1, 2, 3, 4].map((writer) => runChild([path, String(writer), String(runs), String(calls), startAt]))
    );
    expect(exits).toEqual(Array.from({ length: 4 }, () => ({ code: 0, signal: null, stderr: "" })));

    const db = new BetterSqlite3(path, { readonly: true });
    try {
      expect(db.prepare("select status, count(*) as n from runs group by status").all()).toEqual([
        { status: "completed", n: 4 * runs }
      ]);
      expect(db.prepare("select count(*) from calls").pluck().get()).toBe(4 * runs * calls);
      expect(
        db
          .prepare("select count(*) from runs where (select count(*) from calls where run_id = runs.id) <> ?")
          .pluck()
          .get(calls)
      ).toBe(0);
      // The writers really overlapped: their calls interleave in commit order.
      const writers = db
        .prepare("select substr(run_id, 1, 2) from calls order by id")
        .pluck()
        .all() as ReadonlyArray<string>;
      const switches = writers.filter((writer, index) => index > 0 && writer !== writers[index - 1]).length;
      expect(switches).toBeGreaterThan(3);
    } finally {
      db.close();
    }
  });

  it.effect("a process killed mid-run keeps every finished call, and the next open marks the run interrupted", () => {
    const path = join(tmp.dir, "crash.db");
    return Effect.gen(function* () {
      const exit = yield* Effect.promise(() => runChild([path, "9", "0", "0", "0", "crash"]));
      expect(exit.signal).toBe("SIGKILL");
      const run = yield* Effect.gen(function* () {
        return yield* (yield* Store).getRun("crash-9");
      }).pipe(Effect.provide(Store.layer(path)));
      expect(run.status).toBe("interrupted");
      expect(run.calls.map((call) => call.instance)).toEqual([1, 2]);
      expect(run.endedAt).not.toBeNull();
      expect(run.inputTokens).toBe(21 + 22);
    });
  });
});
