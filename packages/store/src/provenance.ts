import { stat } from "node:fs/promises";
import { Effect } from "effect";
import { configHash } from "./canonicalJson.js";
import { type GitInfo, gitInfoFor, noGit } from "./gitInfo.js";

// Where a run's or an eval's configuration came from: its content hash and the git commit of its
// file. Worked out before a record is written, never inside the write: the repositories take it as
// data. An eval starts a run per case with the same config, and a `git` process per run cost seconds,
// so each is computed once: the hash per config object, git once per version of a file (a file edited
// since, its mtime or size changed, is asked about again).

export interface Provenance {
  readonly configHash: string;
  readonly gitCommit: string | null;
  readonly gitDirty: boolean | null;
}

export interface ProvenanceOf {
  /** For a consortium config (hashed without its source path) read from `config.source`. */
  readonly ofConfig: (config: { readonly source?: string | undefined }) => Effect.Effect<Provenance>;
  /** git only, for a file such as a suite. */
  readonly ofFile: (file: string | null | undefined) => Effect.Effect<GitInfo>;
}

export const makeProvenance = (): ProvenanceOf => {
  const hashes = new WeakMap<object, string>();
  const gitInfos = new Map<string, Promise<GitInfo>>();

  const gitOf = async (file: string | null | undefined): Promise<GitInfo> => {
    if (file === null || file === undefined) return noGit;
    const version = await stat(file).catch(() => undefined);
    if (version === undefined) return gitInfoFor(file);
    const key = `${version.mtimeMs}:${version.size}:${file}`;
    const known = gitInfos.get(key);
    if (known !== undefined) return known;
    const info = gitInfoFor(file);
    gitInfos.set(key, info);
    return info;
  };

  const hashOf = (config: { readonly source?: string | undefined }): string => {
    const known = hashes.get(config);
    if (known !== undefined) return known;
    const hash = configHash(config);
    hashes.set(config, hash);
    return hash;
  };

  return {
    ofConfig: (config) =>
      Effect.promise(async () => {
        const git = await gitOf(config.source);
        return { configHash: hashOf(config), gitCommit: git.commit, gitDirty: git.dirty };
      }),
    ofFile: (file) => Effect.promise(() => gitOf(file))
  };
};
