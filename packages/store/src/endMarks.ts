import { closeSync, mkdirSync, openSync, renameSync, statSync, unlinkSync, utimesSync } from "node:fs";
import { join } from "node:path";

// A run still `running` in the database whose process is gone either died (a crash, SIGKILL) or ended
// normally but could not write its ending (a full disk). The database alone cannot tell them apart:
// the process that could not write its ending cannot write anything else there either. So at the
// start, while there is room, a run leaves an empty file beside the database; a normal ending removes
// it, or, when the ending could not be recorded, renames it and stamps the end time on it. Neither
// needs free space. The sweep reads what is left. SQLite files only: a server database has no "beside".

export type EndMark = { readonly kind: "died" } | { readonly kind: "unrecorded"; readonly endedAt: string };

const isFile = (path: string): boolean => path !== "" && path !== ":memory:" && !/^postgres(ql)?:\/\//.test(path);

const folderOf = (dbPath: string): string => `${dbPath}-runs`;
const startedMark = (dbPath: string, runId: string): string => join(folderOf(dbPath), runId);
const unrecordedMark = (dbPath: string, runId: string): string => join(folderOf(dbPath), `${runId}.unrecorded`);

const quietly = (work: () => void): void => {
  try {
    work();
  } catch {
    // best effort: without a mark the sweep says what it said before, "interrupted"
  }
};

export const markStarted = (dbPath: string, runId: string): void => {
  if (!isFile(dbPath)) return;
  const touch = (): void => closeSync(openSync(startedMark(dbPath, runId), "w"));
  quietly(() => {
    // every run of an eval passes here: make the folder only when it is missing, not on each start
    try {
      touch();
    } catch {
      mkdirSync(folderOf(dbPath), { recursive: true });
      touch();
    }
  });
};

/** The run ended and its ending is in the database: nothing for the sweep to explain. */
export const markRecorded = (dbPath: string, runId: string): void => {
  if (!isFile(dbPath)) return;
  quietly(() => unlinkSync(startedMark(dbPath, runId)));
};

/** The run ended normally at `endedAt` but its ending could not be written. */
export const markUnrecorded = (dbPath: string, runId: string, endedAt: Date): void => {
  if (!isFile(dbPath)) return;
  quietly(() => {
    renameSync(startedMark(dbPath, runId), unrecordedMark(dbPath, runId));
    utimesSync(unrecordedMark(dbPath, runId), endedAt, endedAt);
  });
};

/** What the run's marks say, removing them (the sweep is about to write the ending); undefined: none. */
export const takeEndMark = (dbPath: string, runId: string): EndMark | undefined => {
  if (!isFile(dbPath)) return undefined;
  try {
    const endedAt = statSync(unrecordedMark(dbPath, runId)).mtime.toISOString();
    quietly(() => unlinkSync(unrecordedMark(dbPath, runId)));
    return { kind: "unrecorded", endedAt };
  } catch {
    try {
      statSync(startedMark(dbPath, runId));
      quietly(() => unlinkSync(startedMark(dbPath, runId)));
      return { kind: "died" };
    } catch {
      return undefined;
    }
  }
};
