// What `consortium serve` is started with, already checked.

export interface ServeOptions {
  readonly host: string;
  /** 0 picks a free port. */
  readonly port: number;
  /** The consortia folder. */
  readonly dir: string;
  /** The SQLite database; undefined: $CONSORTIUM_DB or the default path. */
  readonly db: string | undefined;
  readonly noLog: boolean;
  /** Runs in flight at once; more wait in line for a slot. */
  readonly maxRuns: number;
  /** Requests waiting for a run slot, first come first served; one more gets 429. */
  readonly maxQueue: number;
  /** The bearer token clients must send; undefined: no authentication (loopback only). */
  readonly apiKey: string | undefined;
  readonly maxBodyBytes: number;
  /** How long runs in flight may take to finish after SIGTERM/SIGINT before they are interrupted. */
  readonly graceMs: number;
  /** One line per request, warnings: stderr. */
  readonly log: (line: string) => void;
}

/** "1mb", "512kb", "1048576": a size in bytes (k/m are 1024-based), or undefined when unreadable. */
export const parseSize = (text: string): number | undefined => {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(b|kb|k|mb|m)?\s*$/i.exec(text);
  if (match === null) return undefined;
  const unit = (match[2] ?? "b").toLowerCase();
  const factor = unit.startsWith("m") ? 1024 * 1024 : unit.startsWith("k") ? 1024 : 1;
  const bytes = Math.floor(Number(match[1]) * factor);
  return bytes > 0 ? bytes : undefined;
};
