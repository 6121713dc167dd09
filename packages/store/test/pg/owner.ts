import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isProcessAlive } from "../../src/liveness.js";

// Which process a test cluster belongs to, written beside it, so a later test run can tell the
// clusters of runs that are gone (killed before their teardown) from those of runs still going.

export const CLUSTER_PREFIX = "consortium-pg-";
const OWNER_FILE = "owner.json";

interface Owner {
  readonly pid: number;
  /** When the process started (clock ticks after boot, Linux), so a reused pid is not taken for it. */
  readonly started: string | undefined;
}

const startedAt = (pid: number): string | undefined => {
  try {
    // the fields after the command name, which may itself hold spaces and parentheses
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19];
  } catch {
    return undefined;
  }
};

const isRunning = (owner: Owner): boolean => {
  if (!isProcessAlive(owner.pid)) return false;
  const started = startedAt(owner.pid);
  return owner.started === undefined || started === undefined || started === owner.started;
};

/** Marks the cluster folder `dir` as this process's. */
export const recordOwner = (dir: string): void => {
  const owner: Owner = { pid: process.pid, started: startedAt(process.pid) };
  writeFileSync(join(dir, OWNER_FILE), JSON.stringify(owner));
};

/**
 * The cluster folders under the temp folder whose owner is no longer running. A folder without an
 * owner file is left alone: it may be one being made right now, or another tool's.
 */
export const abandonedClusters = (): ReadonlyArray<string> =>
  readdirSync(tmpdir())
    .filter((name) => name.startsWith(CLUSTER_PREFIX))
    .map((name) => join(tmpdir(), name))
    .filter((dir) => {
      try {
        return !isRunning(JSON.parse(readFileSync(join(dir, OWNER_FILE), "utf8")) as Owner);
      } catch {
        return false;
      }
    });
