import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Effect } from "effect";
import { describe, expect, it } from "vitest";
import { prefetchGitInfo } from "../src/gitInfo.js";
import { makeProvenance } from "../src/provenance.js";

// A CLI run starts `git status` for its file before the store opens; the run's provenance must take
// that answer (one git process, off the run's critical path), and ask again for a file edited since.

/** A file committed in a new repository (outside one, every answer is the same "unknown"). */
const committedFile = (text: string): string => {
  const dir = mkdtempSync(join(tmpdir(), "consortium-prefetch-"));
  const file = join(dir, "c.yaml");
  writeFileSync(file, text);
  const git = (...args: Array<string>) =>
    execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@example.com", ...args], {
      cwd: dir,
      stdio: "ignore"
    });
  git("init", "-q");
  git("add", "c.yaml");
  git("commit", "-q", "-m", "c");
  return file;
};

describe("prefetchGitInfo", () => {
  it("provenance takes the prefetched answer for the same version of the file", async () => {
    const file = committedFile("name: a\n");
    prefetchGitInfo(file);
    const first = await Effect.runPromise(makeProvenance().ofFile(file));
    expect(first).toEqual({ commit: expect.stringMatching(/^[0-9a-f]{40}/), dirty: false });
    // another store asking later gets the same answer object, not a second git run
    const again = await Effect.runPromise(makeProvenance().ofFile(file));
    expect(again).toBe(first);
  });

  it("a file changed since the prefetch is asked about again", async () => {
    const file = committedFile("name: a\n");
    prefetchGitInfo(file);
    const before = await Effect.runPromise(makeProvenance().ofFile(file));
    writeFileSync(file, "name: a longer name\n");
    const after = await Effect.runPromise(makeProvenance().ofFile(file));
    expect(before.dirty).toBe(false);
    expect(after).toEqual({ commit: before.commit, dirty: true });
  });
});
