import { createHash } from "node:crypto";
import { closeSync, openSync, readdirSync, renameSync, rmdirSync, statSync, unlinkSync, utimesSync } from "node:fs";
import { homedir, hostname } from "node:os";
import { isAbsolute, join } from "node:path";
import { makeFolder } from "@consortium/config/makeFolder";

// A run still `running` in the database whose process is gone either died (a crash, SIGKILL) or ended
// normally but could not write its ending (a full disk, the database server down). The database alone
// cannot tell them apart: the process that could not write its ending cannot write anything else there
// either. So while there is room, a writer keeps an empty spare file for every run it has in flight; a
// run whose ending could not be recorded renames one to `<run id>.unrecorded` and stamps the end time
// on it. Neither needs free space. The sweep reads what is left. A recorded ending touches no file:
// spares are made only when more runs are in flight than ever before, so an eval of a thousand runs
// at 64 at a time makes 64 files, not a thousand (a file made and removed per run was 6 % of a
// replay's CPU).

export type EndMark = { readonly kind: "died" } | { readonly kind: "unrecorded"; readonly endedAt: string };

const isServer = (location: string): boolean => /^postgres(ql)?:\/\//.test(location);

/**
 * Where the marks of this database's runs are: beside a SQLite file (`<db>-runs/`); for a database on
 * a server, which has no "beside", in this user's state folder, one folder per database (named by a
 * hash of its location, which holds no password). Only a sweep on the writer's host reads them; one
 * elsewhere goes by the writer's lease.
 */
const folderOf = (location: string): string | undefined => {
  if (location === "" || location === ":memory:") return undefined;
  if (!isServer(location)) return `${location}-runs`;
  const state = process.env.XDG_STATE_HOME;
  const base =
    state !== undefined && isAbsolute(state)
      ? state
      : join(
          process.env.HOME !== undefined && process.env.HOME !== "" ? process.env.HOME : homedir(),
          ".local",
          "state"
        );
  return join(base, "consortium", "end-marks", createHash("sha256").update(location).digest("hex").slice(0, 16));
};
/** What a version that made a mark per run left at its start: the sweep still reads it. */
const startedMark = (folder: string, runId: string): string => join(folder, runId);
const unrecordedMark = (folder: string, runId: string): string => join(folder, `${runId}.unrecorded`);

const SPARE = /^spare-(.+)-(\d+)-\d+$/;
const spareName = (host: string, pid: number, index: number): string => `spare-${host}-${pid}-${index}`;

const quietly = (work: () => void): void => {
  try {
    work();
  } catch {
    // best effort: without a mark the sweep says what it said before, "interrupted"
  }
};

const touch = (path: string): void => closeSync(openSync(path, "w"));

export interface EndMarks {
  /** A run begins: a spare is made now if there is none for it. */
  readonly started: (runId: string) => void;
  /** The run ended and its ending is in the database: nothing for the sweep to explain. */
  readonly recorded: (runId: string) => void;
  /** The run ended normally at `endedAt` but its ending could not be written. */
  readonly unrecorded: (runId: string, endedAt: Date) => void;
  /** Removes the spares left (the writer is closing). */
  readonly close: () => void;
}

/** The marks of this process's runs in the database at `dbPath`. */
export const makeEndMarks = (dbPath: string): EndMarks => {
  const folder = folderOf(dbPath);
  if (folder === undefined) return { started: () => {}, recorded: () => {}, unrecorded: () => {}, close: () => {} };
  const spares: Array<string> = [];
  let inFlight = 0;
  let made = 0;
  const makeSpare = (): void => {
    const path = join(folder, spareName(hostname(), process.pid, made++));
    try {
      touch(path);
    } catch {
      makeFolder(folder);
      touch(path);
    }
    spares.push(path);
  };
  return {
    started: () => {
      inFlight += 1;
      if (spares.length < inFlight) quietly(makeSpare);
    },
    recorded: () => {
      inFlight = Math.max(0, inFlight - 1);
    },
    unrecorded: (runId, endedAt) => {
      inFlight = Math.max(0, inFlight - 1);
      const target = unrecordedMark(folder, runId);
      quietly(() => {
        const spare = spares.pop();
        // no spare (it could not be made): a new file may still fit
        if (spare === undefined) touch(target);
        else renameSync(spare, target);
        utimesSync(target, endedAt, endedAt);
      });
    },
    close: () => {
      for (const spare of spares.splice(0)) quietly(() => unlinkSync(spare));
      // an empty folder is not left behind; one holding marks (or another writer's spares) stays
      quietly(() => rmdirSync(folder));
    }
  };
};

/**
 * What the run's marks say; undefined: none. They stay until `forgetEndMark`, once the sweep has
 * written the ending they explain: a sweep that cannot write (the disk still full) leaves them for the
 * next one, which would otherwise call the run interrupted at its own time.
 */
export const readEndMark = (dbPath: string, runId: string): EndMark | undefined => {
  const folder = folderOf(dbPath);
  if (folder === undefined) return undefined;
  try {
    return { kind: "unrecorded", endedAt: statSync(unrecordedMark(folder, runId)).mtime.toISOString() };
  } catch {
    try {
      statSync(startedMark(folder, runId));
      return { kind: "died" };
    } catch {
      return undefined;
    }
  }
};

/** Removes what `readEndMark` read (the run's ending is now in the database). */
export const forgetEndMark = (dbPath: string, runId: string, mark: EndMark): void => {
  const folder = folderOf(dbPath);
  if (folder === undefined) return;
  quietly(() => unlinkSync(mark.kind === "unrecorded" ? unrecordedMark(folder, runId) : startedMark(folder, runId)));
};

/** Removes the spares of writers on this host whose process is gone (killed before it could). */
export const removeDeadSpares = (dbPath: string, host: string, isAlive: (pid: number) => boolean): void => {
  const folder = folderOf(dbPath);
  if (folder === undefined) return;
  quietly(() => {
    for (const name of readdirSync(folder)) {
      const match = SPARE.exec(name);
      if (match !== null && match[1] === host && !isAlive(Number(match[2]))) {
        quietly(() => unlinkSync(join(folder, name)));
      }
    }
  });
};
