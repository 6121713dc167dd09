import { stat } from "node:fs/promises";
import { Effect } from "effect";
import { configHash } from "./canonicalJson.js";
import { type GitInfo, gitInfoFor, noGit, prefetchedGitInfo, versionKey } from "./gitInfo.js";

// Where a run's or an eval's configuration came from: its content hash and the git commit of its
// file. Worked out before a record is written, never inside the write: the repositories take it as
// data. An eval starts a run per case with the same config, and a `git` process (or even a `stat`) per
// run cost seconds, so each is computed once: per config object, and git once per version of a file
// (a file edited since, its mtime or size changed, is asked about again).

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
  const gitInfos = new Map<string, Promise<GitInfo>>();

  const gitOf = async (file: string | null | undefined): Promise<GitInfo> => {
    if (file === null || file === undefined) return noGit;
    const version = await stat(file).catch(() => undefined);
    if (version === undefined) return gitInfoFor(file);
    const key = versionKey(file, version);
    const known = gitInfos.get(key);
    if (known !== undefined) return known;
    const info = prefetchedGitInfo(key) ?? gitInfoFor(file);
    gitInfos.set(key, info);
    return info;
  };

  // A config object is one reading of its file: every run started from it (an eval's cases) shares
  // its provenance, found once. The file read again (edited or not) is a new object, asked anew.
  const ofConfigs = new WeakMap<object, Promise<Provenance>>();
  const provenanceOf = async (config: { readonly source?: string | undefined }): Promise<Provenance> => {
    const git = await gitOf(config.source);
    return { configHash: configHash(config), gitCommit: git.commit, gitDirty: git.dirty };
  };

  return {
    ofConfig: (config) =>
      Effect.promise(() => {
        let found = ofConfigs.get(config);
        if (found === undefined) {
          found = provenanceOf(config);
          ofConfigs.set(config, found);
        }
        return found;
      }),
    ofFile: (file) => Effect.promise(() => gitOf(file))
  };
};
