import { readFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

/** The server's pid, from the first line of data/postmaster.pid in the cluster folder `dir`. */
export const postmasterPid = (dir: string): number =>
  Number(readFileSync(join(dir, "data", "postmaster.pid"), "utf8").split("\n")[0]);

/** Waits until `done()` holds, looking again every 50 ms; the test's own timeout bounds the wait. */
export const until = async (done: () => boolean): Promise<void> => {
  while (!done()) await sleep(50);
};
