import { execFile } from "node:child_process";
import { statSync } from "node:fs";
import { basename, dirname } from "node:path";

export interface GitInfo {
  readonly commit: string | null;
  /** true when the file differs from that commit: modified, staged, untracked or ignored. */
  readonly dirty: boolean | null;
}

export const noGit: GitInfo = { commit: null, dirty: null };

/** Reads `git status --porcelain=v2 --branch` output for one path. */
export const parseGitStatus = (output: string): GitInfo => {
  const lines = output.split("\n").filter((line) => line !== "");
  const oid = lines.find((line) => line.startsWith("# branch.oid "))?.slice("# branch.oid ".length);
  // "(initial)": a repository without a commit yet, so nothing to point at.
  if (oid === undefined || !/^[0-9a-f]{40,64}$/.test(oid)) return noGit;
  return { commit: oid, dirty: lines.some((line) => !line.startsWith("#")) };
};

/**
 * The commit a config file was read at, and whether the file differs from it. One `git` process
 * (status prints the HEAD oid and the file's state together), run without blocking; no git, no
 * repository, or a slow git all mean "unknown", never a failed run.
 */
export const gitInfoFor = (file: string): Promise<GitInfo> =>
  new Promise((resolve) => {
    execFile(
      "git",
      ["status", "--porcelain=v2", "--branch", "--ignored", "--", basename(file)],
      { cwd: dirname(file), encoding: "utf8", timeout: 3000, env: { ...process.env, GIT_OPTIONAL_LOCKS: "0" } },
      (error, stdout) => resolve(error === null ? parseGitStatus(stdout) : noGit)
    );
  });

/** A file's version as provenance keys it: a file edited since (mtime or size changed) is asked anew. */
export const versionKey = (file: string, version: { readonly mtimeMs: number; readonly size: number }): string =>
  `${version.mtimeMs}:${version.size}:${file}`;

const prefetched = new Map<string, Promise<GitInfo>>();

/**
 * Starts `git status` for a file a run is about to start from, so the process (about 40 ms to create
 * here) runs while the caller loads and opens the rest instead of when the run starts; provenance
 * takes the answer if the file is the same version by then.
 */
export const prefetchGitInfo = (file: string): void => {
  try {
    const key = versionKey(file, statSync(file));
    if (!prefetched.has(key)) prefetched.set(key, gitInfoFor(file));
  } catch {
    // no such file: provenance finds that out again itself
  }
};

/** The answer `prefetchGitInfo` started for this version of a file, if any. */
export const prefetchedGitInfo = (key: string): Promise<GitInfo> | undefined => prefetched.get(key);
