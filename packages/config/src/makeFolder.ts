import { mkdirSync } from "node:fs";
import { dirname } from "node:path";

/**
 * Creates a folder and its missing parents, as `mkdirSync(path, { recursive: true, mode })` would, but
 * ends with the error where that loops for ever: under a folder that refuses new entries with ENOENT
 * (any path under /proc, say), node's recursive mkdir makes the existing parent again and again, so a
 * database, a saved consortium or the compile cache asked for there spun at full CPU and ignored
 * SIGTERM instead of saying it cannot write there. Every folder it makes gets `mode` (before umask).
 */
export const makeFolder = (folder: string, mode?: number): void => {
  try {
    mkdirSync(folder, mode);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EEXIST") return;
    const parent = dirname(folder);
    if (code !== "ENOENT" || parent === folder) throw error;
    makeFolder(parent, mode);
    try {
      mkdirSync(folder, mode);
    } catch (again) {
      // another process made it meanwhile
      if ((again as NodeJS.ErrnoException).code !== "EEXIST") throw again;
    }
  }
};
