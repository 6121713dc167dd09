import { readdir } from "node:fs/promises";
import { join } from "node:path";
import * as Effect from "effect/Effect";
import * as Either from "effect/Either";
import { loadConsortiumFile } from "./consortiumFile.js";
import type { ConfigError } from "./errors.js";
import type { ConsortiumConfig } from "./types.js";

// Every consortium file in a folder, each loaded and validated on its own: one bad file never hides
// the others. `consortium list`, `serve` and `mcp` all read a folder this way.

export interface ListedConsortiumFile {
  /** The file as `join(folder, entry)`. */
  readonly file: string;
  /** The file name without .yaml/.yml: what a consortium is called when its file does not load. */
  readonly stem: string;
  readonly config: Either.Either<ConsortiumConfig, ConfigError>;
}

/** The `.yaml`/`.yml` entries of `folder`, sorted; none when the folder is missing. */
export const consortiumFilesIn = (folder: string): Effect.Effect<Array<string>> =>
  Effect.promise(() =>
    readdir(folder)
      .then((entries) => entries.filter((entry) => /\.ya?ml$/.test(entry)).sort())
      .catch((): Array<string> => [])
  );

export const listConsortia = (folder: string): Effect.Effect<Array<ListedConsortiumFile>> =>
  Effect.flatMap(consortiumFilesIn(folder), (entries) =>
    Effect.forEach(entries, (entry) =>
      Effect.map(
        Effect.either(loadConsortiumFile(join(folder, entry))),
        (config): ListedConsortiumFile => ({ file: join(folder, entry), stem: entry.replace(/\.ya?ml$/, ""), config })
      )
    )
  );

/** A valid file whose name another file in the folder holds: nothing runs it by that name. */
export interface ShadowedConsortiumFile {
  readonly file: string;
  readonly name: string;
  /** The file the name means. */
  readonly usedBy: string;
}

/**
 * One file per consortium name, the same everywhere: `<name>.yaml` (else `<name>.yml`) when it holds
 * that name, which is the file `consortium run <name>` opens; otherwise the first in sorted order. The
 * others claiming the name are returned, for `list`, `serve` and `mcp` to report and leave out.
 */
export const shadowedFiles = (listed: ReadonlyArray<ListedConsortiumFile>): Array<ShadowedConsortiumFile> => {
  const claims = new Map<string, Array<ListedConsortiumFile>>();
  for (const entry of listed) {
    if (Either.isLeft(entry.config)) continue;
    const name = entry.config.right.name;
    claims.set(name, [...(claims.get(name) ?? []), entry]);
  }
  return [...claims].flatMap(([name, files]) => {
    // sorted entries: lay.yaml comes before lay.yml, as resolveConsortiumPath prefers it
    const owner = files.find((entry) => entry.stem === name) ?? files[0]!;
    return files.filter((entry) => entry !== owner).map((entry) => ({ file: entry.file, name, usedBy: owner.file }));
  });
};
