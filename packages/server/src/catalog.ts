import { statSync } from "node:fs";
import { stat } from "node:fs/promises";
import { join } from "node:path";
import {
  type ConsortiumConfig,
  consortiumFilesIn,
  formatConfigError,
  listConsortia,
  shadowedFiles
} from "@consortium/config";
import { Effect, Either } from "effect";

// The consortia a server offers: every file in its folder that validates, by consortium name. Files
// are re-read when the folder changes (a file added, removed, or its size or mtime changed), checked
// cheaply on each request with one stat per file (requests that arrive together share one check), so
// editing a file needs no restart. An invalid file is reported once per version on stderr and left
// out; the others stay available. Two files of one name: the one `consortium run <name>` opens is served.

export interface Catalog {
  /** Every valid consortium, sorted by name. */
  readonly all: () => Promise<ReadonlyArray<ConsortiumConfig>>;
  readonly find: (name: string) => Promise<ConsortiumConfig | undefined>;
}

const signatureOf = async (folder: string): Promise<string> => {
  const entries = await Effect.runPromise(consortiumFilesIn(folder));
  const parts = await Promise.all(
    entries.map(async (entry) => {
      const info = await stat(join(folder, entry)).catch(() => undefined);
      return `${entry}:${info?.mtimeMs ?? 0}:${info?.size ?? 0}`;
    })
  );
  return parts.join("|");
};

/**
 * Why `folder` cannot be served from, if it cannot: a server started on a folder that is not there has
 * nothing to offer and is most likely a typo, so it does not start.
 */
export const folderProblem = (folder: string): string | undefined => {
  try {
    return statSync(folder).isDirectory() ? undefined : `--dir ${folder}: not a folder`;
  } catch {
    return `--dir ${folder}: no such folder (it holds the consortium files to serve)`;
  }
};

export const makeCatalog = (folder: string, warn: (line: string) => void): Catalog => {
  let signature: string | undefined;
  let byName = new Map<string, ConsortiumConfig>();
  const reported = new Set<string>();
  // One look at the folder at a time, shared by every request that arrives while it runs: under load,
  // hundreds of requests arriving together would otherwise each list the folder and stat every file.
  let checking: Promise<Map<string, ConsortiumConfig>> | undefined;

  const reload = async (next: string): Promise<void> => {
    const listed = await Effect.runPromise(listConsortia(folder));
    const found = new Map<string, ConsortiumConfig>();
    const shadowed = new Set<string>();
    for (const { file, name, usedBy } of shadowedFiles(listed)) {
      shadowed.add(file);
      warn(`skipping ${file}: the name ${name} is already used by ${usedBy}`);
    }
    for (const { file, config } of listed) {
      if (Either.isLeft(config)) {
        const key = `${next}:${file}`;
        if (!reported.has(key)) {
          reported.add(key);
          warn(`skipping invalid consortium file ${file}:\n${formatConfigError(config.left)}`);
        }
        continue;
      }
      if (!shadowed.has(file)) found.set(config.right.name, config.right);
    }
    byName = found;
    signature = next;
  };

  const check = async (): Promise<Map<string, ConsortiumConfig>> => {
    const next = await signatureOf(folder);
    if (next !== signature) await reload(next);
    return byName;
  };

  const fresh = (): Promise<Map<string, ConsortiumConfig>> => {
    checking ??= check().finally(() => {
      checking = undefined;
    });
    return checking;
  };

  return {
    all: async () => [...(await fresh()).values()].sort((a, b) => a.name.localeCompare(b.name)),
    find: async (name) => (await fresh()).get(name)
  };
};
