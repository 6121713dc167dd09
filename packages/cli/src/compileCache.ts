import { readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { homedir } from "node:os";
import { dirname, isAbsolute, join } from "node:path";
import { constants, Script } from "node:vm";
import { makeFolder } from "@consortium/config/makeFolder";

// Node 20 compiles the CLI from source on every start (its own compile cache came with Node 22), and
// compiling is about as long as everything else a short command does. So the CLI is bundled as one
// CommonJS file that bin.ts compiles itself, with V8's code cache: after a command succeeds, the code
// it compiled (bytecode of every function that ran) is written to a cache file, and the next start of
// that command deserialises it instead of parsing and compiling. V8 checks a cache against its own
// version, flags and the source's length and rejects a mismatch; the file name adds the bundle's
// content hash, so a rebuilt bundle of the same length never meets an old cache.

/** Where the code caches go: $XDG_CACHE_HOME/consortium/compile-cache, else ~/.cache/…; none when disabled. */
export const compileCacheDir = (env: Readonly<Record<string, string | undefined>>): string | undefined => {
  const disabled = env.CONSORTIUM_NO_COMPILE_CACHE;
  if (disabled !== undefined && disabled !== "" && disabled !== "0") return undefined;
  const xdg = env.XDG_CACHE_HOME;
  // a relative XDG_CACHE_HOME is invalid and must be ignored
  const base = xdg !== undefined && isAbsolute(xdg) ? xdg : join(env.HOME || homedir(), ".cache");
  return join(base, "consortium", "compile-cache");
};

/**
 * Commands compile different code (a run: the engine and an SDK; validate: the config only), so each
 * keeps its own cache, and help its own: a cache is written once and then used as it is, so one made
 * by `run --help` would leave a real run compiling.
 */
export const commandKey = (args: ReadonlyArray<string>): string => {
  const first = args[0] ?? "";
  const command = /^[a-z][a-z-]{0,19}$/.test(first) ? first : "_";
  return args.includes("--help") || args.includes("-h") ? `${command}-help` : command;
};

/** The cache file of one bundle (by its content hash), node version and command. */
export const compileCacheFile = (dir: string, bundleId: string, args: ReadonlyArray<string>): string =>
  join(dir, `${bundleId}-${process.version}-${process.arch}-${commandKey(args)}.v8`);

/** Caches kept in the folder: other builds' (each rebuild has a new hash) beyond these are deleted, oldest first. */
export const KEPT_CACHES = 24;

export interface LoadedBundle {
  /** What became of the cache: none found, used, or refused by V8 (another node, other flags). */
  readonly cache: "none" | "accepted" | "rejected";
  /** Writes the code compiled so far to the cache file, unless the cache was used; never throws. */
  readonly saveCache: () => void;
}

const pruneOld = (dir: string, keep: string): void => {
  const files = readdirSync(dir)
    .filter((name) => name.endsWith(".v8"))
    .map((name) => ({ path: join(dir, name), mtime: statSync(join(dir, name)).mtimeMs }))
    .filter((file) => file.path !== keep)
    .sort((a, b) => b.mtime - a.mtime);
  for (const file of files.slice(KEPT_CACHES - 1)) rmSync(file.path, { force: true });
};

/**
 * Compiles the CommonJS bundle `file` (with the code cache in `cacheFile`, if any) and runs it as
 * node would run it with `require`. A missing, unreadable or refused cache only means compiling from
 * source, as node does.
 */
export const runBundle = (file: string, cacheFile: string | undefined): LoadedBundle => {
  const source = readFileSync(file, "utf8");
  let cachedData: Buffer | undefined;
  if (cacheFile !== undefined) {
    try {
      cachedData = readFileSync(cacheFile);
    } catch {
      // no cache yet
    }
  }
  // node's own CommonJS wrapper, on the source's first line so line numbers stay true
  const script = new Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, {
    filename: file,
    ...(cachedData === undefined ? {} : { cachedData }),
    importModuleDynamically: constants.USE_MAIN_CONTEXT_DEFAULT_LOADER
  });
  const cache = cachedData === undefined ? "none" : script.cachedDataRejected === true ? "rejected" : "accepted";
  const module = { exports: {} };
  script.runInThisContext()(module.exports, createRequire(file), module, file, dirname(file));
  return {
    cache,
    saveCache: () => {
      if (cacheFile === undefined || cache === "accepted") return;
      try {
        const dir = dirname(cacheFile);
        makeFolder(dir, 0o700);
        // written aside and renamed: a process starting meanwhile reads the old file or the new, never half
        const partial = `${cacheFile}.${process.pid}.tmp`;
        writeFileSync(partial, script.createCachedData(), { mode: 0o600 });
        renameSync(partial, cacheFile);
        pruneOld(dir, cacheFile);
      } catch {
        // a read-only or full disk: the next start compiles from source again
      }
    }
  };
};
