import { execFile } from "node:child_process";
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
