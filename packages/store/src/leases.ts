import type { Db } from "./Db.js";
import type { Writer } from "./rows.js";

// How another host tells a live run from a dead one: a writer holds a lease on what it is writing and
// renews it while it works. Its own host can ask the process table; any other host waits for the
// lease to run out (see sweep.ts).

export interface LeaseSettings {
  /** How long a lease lasts without renewal. */
  readonly durationMs: number;
  /** How often a live writer renews its leases; well under durationMs, so a slow tick does not lose one. */
  readonly renewEveryMs: number;
}

export const DEFAULT_LEASE: LeaseSettings = { durationMs: 120_000, renewEveryMs: 30_000 };

export const leaseUntil = (nowMs: number, lease: LeaseSettings): string =>
  new Date(nowMs + lease.durationMs).toISOString();

/** Extends every lease this writer holds on what is still running: its runs and its eval shards. */
export const renewLeases = async (db: Db, writer: Writer, until: string): Promise<void> => {
  for (const table of ["runs", "eval_shards"] as const) {
    await db
      .updateTable(table)
      .set({ lease_until: until })
      .where("status", "=", "running")
      .where("hostname", "=", writer.hostname)
      .where("pid", "=", writer.pid)
      .execute();
  }
};
