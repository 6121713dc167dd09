import { closeSync, openSync, readdirSync, renameSync, statSync, unlinkSync, utimesSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { makeFolder } from "@consortium/config/makeFolder";

// A run still `running` in the database whose process is gone either died (a crash, SIGKILL) or ended
// normally but could not write its ending (a full disk). The database alone cannot tell them apart:
// the process that could not write its ending cannot write anything else there either. So while there
// is room, a writer keeps an empty spare file beside the database for every run it has in flight; a
// run whose ending could not be recorded renames one to `<run id>.unrecorded` and stamps the end time
// on it. Neither needs free space. The sweep reads what is left. A recorded ending touches no file:
// spares are made only when more runs are in flight than ever before, so an eval of a thousand runs
// at 64 at a time makes 64 files, not a thousand (a file made and removed per run was 6 % of a
// replay's CPU). SQLite files only: a server database has no "beside".

export type EndMark = { readonly kind: "died" } | { readonly kind: "unrecorded"; readonly endedAt: string };

const isFile = (path: string): boolean => path !== "" && path !== ":memory:" && !/^postgres(ql)?:\/\//.test(path);

const folderOf = (dbPath: string): string => `${dbPath}-runs`;
/** What a version that made a mark per run left at its start: the sweep still reads it. */
const startedMark = (dbPath: string, runId: string): string => join(folderOf(dbPath), runId);
const unrecordedMark = (dbPath: string, runId: string): string => join(folderOf(dbPath), `${runId}.unrecorded`);

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
  if (!isFile(dbPath)) return { started: () => {}, recorded: () => {}, unrecorded: () => {}, close: () => {} };
  const folder = folderOf(dbPath);
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
      const target = unrecordedMark(dbPath, runId);
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
    }
  };
};

/**
 * What the run's marks say; undefined: none. They stay until `forgetEndMark`, once the sweep has
 * written the ending they explain: a sweep that cannot write (the disk still full) leaves them for the
 * next one, which would otherwise call the run interrupted at its own time.
 */
export const readEndMark = (dbPath: string, runId: string): EndMark | undefined => {
  if (!isFile(dbPath)) return undefined;
  try {
    return { kind: "unrecorded", endedAt: statSync(unrecordedMark(dbPath, runId)).mtime.toISOString() };
  } catch {
    try {
      statSync(startedMark(dbPath, runId));
      return { kind: "died" };
    } catch {
      return undefined;
    }
  }
};

/** Removes what `readEndMark` read (the run's ending is now in the database). */
export const forgetEndMark = (dbPath: string, runId: string, mark: EndMark): void => {
  quietly(() => unlinkSync(mark.kind === "unrecorded" ? unrecordedMark(dbPath, runId) : startedMark(dbPath, runId)));
};

/** Removes the spares of writers on this host whose process is gone (killed before it could). */
export const removeDeadSpares = (dbPath: string, host: string, isAlive: (pid: number) => boolean): void => {
  if (!isFile(dbPath)) return;
  quietly(() => {
    for (const name of readdirSync(folderOf(dbPath))) {
      const match = SPARE.exec(name);
      if (match !== null && match[1] === host && !isAlive(Number(match[2]))) {
        quietly(() => unlinkSync(join(folderOf(dbPath), name)));
      }
    }
  });
};
