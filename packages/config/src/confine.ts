import { realpath } from "node:fs/promises";
import { isAbsolute, relative, resolve, sep } from "node:path";
import * as Effect from "effect/Effect";

// A file may name other files (a suite its case files, a consortium the consortia it includes), and a
// file may come from someone else (a pull request, a shared repository): a path like `../../x.csv` or a
// symlink to /etc/passwd would otherwise have the loader read, and its errors quote, any file the user
// can read. Symlinks are followed before comparing, so a link inside a folder that points outside it is
// outside.

const real = (path: string): Effect.Effect<string | undefined> =>
  Effect.promise(() => realpath(path).catch(() => undefined));

const isWithin = (folder: string, path: string): boolean => {
  const rest = relative(folder, path);
  return rest === "" || (!isAbsolute(rest) && rest !== ".." && !rest.startsWith(`..${sep}`));
};

/**
 * Whether `path` lies outside every one of `folders`, links followed; false when it does not exist
 * (reading it then reports that).
 */
export const liesOutside = (path: string, folders: ReadonlyArray<string>): Effect.Effect<boolean> =>
  Effect.gen(function* () {
    const target = yield* real(path);
    if (target === undefined) return false;
    for (const folder of folders) {
      if (isWithin((yield* real(folder)) ?? resolve(folder), target)) return false;
    }
    return true;
  });

/**
 * Why `path` may not be read as a file of the suite in `folder`, or undefined when it may (or when it
 * does not exist: reading it then reports that).
 */
export const outsideFolder = (path: string, folder: string, allowed: boolean): Effect.Effect<string | undefined> =>
  allowed
    ? Effect.succeed(undefined)
    : Effect.map(liesOutside(path, [folder]), (outside) =>
        outside
          ? "is outside the suite's folder (or links outside it): keep case files in the suite's folder or below it, or pass --allow-outside"
          : undefined
      );
