import { existsSync, mkdtempSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { makeFolder } from "../src/makeFolder.js";

describe("makeFolder", () => {
  it("makes a folder and its missing parents, and accepts one that exists", () => {
    const root = mkdtempSync(join(tmpdir(), "consortium-folder-"));
    const deep = join(root, "a", "b", "c");
    makeFolder(deep);
    expect(statSync(deep).isDirectory()).toBe(true);
    makeFolder(deep);
    makeFolder(root);
  });

  it("gives every folder it makes the mode asked for", () => {
    const root = mkdtempSync(join(tmpdir(), "consortium-folder-"));
    makeFolder(join(root, "a", "b"), 0o700);
    expect(statSync(join(root, "a")).mode & 0o777).toBe(0o700);
    expect(statSync(join(root, "a", "b")).mode & 0o777).toBe(0o700);
  });

  it("fails with the system's error where a file stands in the way", () => {
    const root = mkdtempSync(join(tmpdir(), "consortium-folder-"));
    makeFolder(join(root, "x"));
    writeFileSync(join(root, "x", "file"), "");
    expect(() => makeFolder(join(root, "x", "file", "below"))).toThrow(/ENOTDIR|EEXIST/);
  });

  // Node's own recursive mkdir loops for ever here (the CLI's e2e test guards that with a kill timer).
  it.runIf(existsSync("/proc/self"))("ends with ENOENT under a folder that takes no new entries (/proc)", () => {
    expect(() => makeFolder("/proc/consortium-no-such/db")).toThrow(/ENOENT/);
  });
});
