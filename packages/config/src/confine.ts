import { realpath } from "node:fs/promises";
import { isAbsolute, relative, resolve, sep } from "node:path";
import * as Effect from "effect/Effect";

// A suite names its case files, and a suite may come from someone else (a pull request, a shared
// repository): a path like `../../x.csv` or a symlink to /etc/passwd would otherwise have the loader
// read, and its errors quote, any file the user can read. Symlinks are followed before comparing, so
// a link inside the folder that points outside it is outside.

const real = (path: string): Effect.Effect<string | undefined> =>
  Effect.promise(() => realpath(path).catch(() => undefined));

const isWithin = (folder: string, path: string): boolean => {
  const rest = relative(folder, path);
  return rest === "" || (!isAbsolute(rest) && rest !== ".." && !rest.startsWith(`..${sep}`));
};

/**
 * Why `path` may not be read as a file of the suite in `folder`, or undefined when it may (or when it
 * does not exist: reading it then reports that).
 */
export const outsideFolder = (path: string, folder: string, allowed: boolean): Effect.Effect<string | undefined> =>
  allowed
    ? Effect.succeed(undefined)
    : Effect.gen(function* () {
        const target = yield* real(path);
        const root = (yield* real(folder)) ?? resolve(folder);
        if (target === undefined || isWithin(root, target)) return undefined;
        return "is outside the suite's folder (or links outside it): keep case files in the suite's folder or below it, or pass --allow-outside";
      });
