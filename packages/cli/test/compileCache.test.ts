import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import { commandKey, compileCacheDir, compileCacheFile, KEPT_CACHES, runBundle } from "../src/compileCache.js";

// The loader bin.ts runs the CLI bundle with. Each test bundle counts its runs on globalThis and
// requires a file beside it, so a test sees that it ran, with node's `require`, from its own folder.

declare global {
  var compileCacheRuns: Array<string> | undefined;
}

let dir: string;
let bundle: string;

const writeBundle = (name: string, body: string): string => {
  const file = join(dir, name);
  writeFileSync(file, body);
  return file;
};

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "consortium-compile-cache-"));
  writeFileSync(join(dir, "beside.cjs"), 'module.exports = "beside";');
  bundle = writeBundle(
    "cli.cjs",
    [
      "const square = (n) => n * n;",
      'const beside = require("./beside.cjs");',
      "globalThis.compileCacheRuns = [...(globalThis.compileCacheRuns ?? []), [beside, square(3), __filename].join(' ')];"
    ].join("\n")
  );
  globalThis.compileCacheRuns = [];
});

describe("runBundle", () => {
  it("runs the bundle as CommonJS, writes its code cache when asked, and uses it next time", () => {
    const cache = join(dir, "cache", "x.v8");
    const first = runBundle(bundle, cache);
    expect(first.cache).toBe("none");
    expect(existsSync(cache)).toBe(false);
    first.saveCache();
    expect(statSync(cache).size).toBeGreaterThan(0);

    const second = runBundle(bundle, cache);
    expect(second.cache).toBe("accepted");
    const written = readFileSync(cache);
    second.saveCache();
    expect(readFileSync(cache).equals(written)).toBe(true);
    expect(globalThis.compileCacheRuns).toEqual([`beside 9 ${bundle}`, `beside 9 ${bundle}`]);
  });

  it("compiles from source when the cache is not V8's, and replaces it", () => {
    const cache = join(dir, "x.v8");
    writeFileSync(cache, "not a code cache");
    const loaded = runBundle(bundle, cache);
    expect(loaded.cache).toBe("rejected");
    expect(globalThis.compileCacheRuns).toHaveLength(1);
    loaded.saveCache();
    expect(runBundle(bundle, cache).cache).toBe("accepted");
  });

  it("runs without a cache file, and never throws when the cache cannot be written", () => {
    expect(runBundle(bundle, undefined).cache).toBe("none");
    runBundle(bundle, undefined).saveCache();
    const blocked = writeBundle("a-file", "");
    const loaded = runBundle(bundle, join(blocked, "x.v8"));
    expect(() => loaded.saveCache()).not.toThrow();
    expect(globalThis.compileCacheRuns).toHaveLength(3);
  });

  it("keeps the newest caches of other builds and deletes the rest", () => {
    const caches = join(dir, "caches");
    runBundle(bundle, join(caches, "seed.v8")).saveCache();
    utimesSync(join(caches, "seed.v8"), 500, 500);
    for (let index = 0; index < KEPT_CACHES + 5; index++) {
      const old = join(caches, `old-${index}.v8`);
      writeFileSync(old, "");
      // old-0 is the oldest
      utimesSync(old, 1000 + index, 1000 + index);
    }
    const mine = join(caches, "mine.v8");
    runBundle(bundle, mine).saveCache();
    const left = readdirSync(caches);
    expect(left).toHaveLength(KEPT_CACHES);
    expect(left).toContain("mine.v8");
    expect(left).toContain(`old-${KEPT_CACHES + 4}.v8`);
    expect(left).not.toContain("old-0.v8");
    expect(left).not.toContain("seed.v8");
  });
});

describe("where the cache lives", () => {
  it("is under XDG_CACHE_HOME when it is absolute, else ~/.cache, and nowhere when turned off", () => {
    expect(compileCacheDir({ XDG_CACHE_HOME: "/xdg", HOME: "/home/ada" })).toBe("/xdg/consortium/compile-cache");
    expect(compileCacheDir({ XDG_CACHE_HOME: "cache", HOME: "/home/ada" })).toBe(
      "/home/ada/.cache/consortium/compile-cache"
    );
    expect(compileCacheDir({ HOME: "/home/ada", CONSORTIUM_NO_COMPILE_CACHE: "1" })).toBeUndefined();
    expect(compileCacheDir({ HOME: "/home/ada", CONSORTIUM_NO_COMPILE_CACHE: "0" })).toBeDefined();
  });

  it("is one file per bundle, node and command, help apart", () => {
    expect(commandKey(["run", "x.yaml", "question"])).toBe("run");
    expect(commandKey(["run", "--help"])).toBe("run-help");
    expect(commandKey(["--help"])).toBe("_-help");
    expect(commandKey([])).toBe("_");
    expect(commandKey(["../../etc/passwd"])).toBe("_");
    const file = compileCacheFile("/c", "abc", ["validate", "x.yaml"]);
    expect(file).toBe(`/c/abc-${process.version}-${process.arch}-validate.v8`);
    expect(compileCacheFile("/c", "abd", ["validate"])).not.toBe(file);
  });
});
