import { readdir } from "node:fs/promises";
import { join } from "node:path";
import * as Effect from "effect/Effect";
import type * as Either from "effect/Either";
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
