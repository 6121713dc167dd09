import { mkdtempSync, readdirSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { binPath, consortium, repoRoot } from "./binary.js";

// The built binary keeps a code cache per command (see src/compileCache.ts): written after a command
// succeeds, then used as it is.

const cacheHome = () => mkdtempSync(join(tmpdir(), "consortium-cache-home-"));
const cachesIn = (home: string): Array<string> => {
  try {
    return readdirSync(join(home, "consortium", "compile-cache"));
  } catch {
    return [];
  }
};
const research = join(repoRoot, "consortia/research.yaml");

describe("the bundle", () => {
  it("is strict code, as the ES modules it is built from: the directive opens the file", () => {
    const bundle = readFileSync(join(dirname(binPath), "cli.cjs"), "utf8");
    expect(bundle.startsWith('"use strict";')).toBe(true);
  });

  it("is Latin-1 text, so the source V8 keeps for the process's life takes one byte a character", () => {
    const bundle = readFileSync(join(dirname(binPath), "cli.cjs"), "utf8");
    expect(bundle.match(/[\u0100-\uffff]/g) ?? []).toEqual([]);
  });
});

describe("the compile cache", () => {
  it("is written by a command that succeeded and used, unchanged, by the next", async () => {
    const home = cacheHome();
    const first = await consortium(["validate", research], { env: { XDG_CACHE_HOME: home } });
    expect(first.code, first.stderr).toBe(0);
    const [file, ...others] = cachesIn(home);
    expect(others).toEqual([]);
    expect(file).toMatch(/-validate\.v8$/);
    const path = join(home, "consortium", "compile-cache", file!);
    const written = { bytes: readFileSync(path), mtime: statSync(path).mtimeMs };

    const second = await consortium(["validate", research], { env: { XDG_CACHE_HOME: home } });
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toBe(first.stdout);
    // a cache V8 refused would have been written again
    expect(statSync(path).mtimeMs).toBe(written.mtime);
    expect(readFileSync(path).equals(written.bytes)).toBe(true);
    expect(cachesIn(home)).toEqual([file]);
  });

  it("is not written by a command that failed, nor when turned off", async () => {
    const home = cacheHome();
    const failed = await consortium(["validate", join(home, "missing.yaml")], { env: { XDG_CACHE_HOME: home } });
    expect(failed.code).toBe(2);
    const off = await consortium(["validate", research], {
      env: { XDG_CACHE_HOME: home, CONSORTIUM_NO_COMPILE_CACHE: "1" }
    });
    expect(off.code, off.stderr).toBe(0);
    expect(cachesIn(home)).toEqual([]);
  });
});
