import { mkdirSync } from "node:fs";
import { dirname } from "node:path";

/**
 * Creates a folder and its missing parents, as `mkdirSync(path, { recursive: true })` would, but ends
 * with the error where that loops for ever: under a folder that refuses new entries with ENOENT (any
 * path under /proc, say), node's recursive mkdir makes the existing parent again and again, so
 * `--db /proc/x/db.sqlite` spun at full CPU and ignored SIGTERM instead of saying it cannot write there.
 */
export const makeFolder = (folder: string): void => {
  try {
    mkdirSync(folder);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EEXIST") return;
    const parent = dirname(folder);
    if (code !== "ENOENT" || parent === folder) throw error;
    makeFolder(parent);
    try {
      mkdirSync(folder);
    } catch (again) {
      // another process made it meanwhile
      if ((again as NodeJS.ErrnoException).code !== "EEXIST") throw again;
    }
  }
};
