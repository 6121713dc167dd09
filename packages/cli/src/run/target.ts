import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { didYouMean, resolveConsortiumPath } from "@consortium/config";
import { UsageError } from "../failures.js";
import type { ConsortiumFlags } from "./consortiumFromFlags.js";

// What `run`'s arguments mean. `run <file-or-name> [prompt]` runs a file; `run -m … --arbiter … [prompt]`
// runs an ad-hoc consortium (no file), as the seed is used. With both -m and --arbiter, a lone argument
// is the prompt unless it is an existing .yaml/.yml file.

export type Target =
  | { readonly _tag: "File"; readonly file: string; readonly prompt: string | undefined }
  | { readonly _tag: "AdHoc"; readonly prompt: string | undefined };

/** What a command that takes a consortium wants when it was given none (run, estimate). */
export const AD_HOC_HINT =
  "give a consortium file or name, or members and an arbiter: -m <provider/model[:count]> … --arbiter <provider/model>";

const NEEDS_ARBITER = "-m without a consortium file needs --arbiter <provider/model>";

const isPathLike = (text: string): boolean =>
  /\.ya?ml$/.test(text) || text.includes("/") || text.includes("\\") || text.startsWith(".");

/** The consortium names under `<cwd>/consortia`. */
const knownNames = (cwd: string): Array<string> => {
  try {
    return readdirSync(join(cwd, "consortia"))
      .filter((entry) => /\.ya?ml$/.test(entry))
      .map((entry) => entry.replace(/\.ya?ml$/, ""))
      .sort();
  } catch {
    return [];
  }
};

/** A file or a name that must exist: a missing name says which names there are. */
const fileFor = (target: string, cwd: string): string | UsageError => {
  const file = resolveConsortiumPath(target, cwd);
  if (isPathLike(target) || existsSync(file)) return file;
  const names = knownNames(cwd);
  const known =
    names.length === 0 ? "there is no consortia/ folder here with .yaml files" : `known: ${names.join(", ")}`;
  return new UsageError({ message: `no consortium "${target}"${didYouMean(target, names)}; ${known}`, help: false });
};

export const chooseTarget = (
  positional: ReadonlyArray<string>,
  flags: ConsortiumFlags,
  cwd: string
): Target | UsageError => {
  const adHoc = flags.models.length > 0 && flags.arbiter !== undefined;
  const [first, second] = positional;
  if (first === undefined) {
    if (adHoc) return { _tag: "AdHoc", prompt: undefined };
    if (flags.models.length > 0)
      return new UsageError({ message: "-m without a consortium file needs --arbiter <provider/model>" });
    return new UsageError({ message: `no consortium: ${AD_HOC_HINT}` });
  }
  if (second !== undefined) {
    const file = fileFor(first, cwd);
    return file instanceof UsageError ? file : { _tag: "File", file, prompt: second };
  }
  if (adHoc && !(/\.ya?ml$/.test(first) && existsSync(resolveConsortiumPath(first, cwd)))) {
    return { _tag: "AdHoc", prompt: first };
  }
  if (flags.models.length > 0 && !existsSync(resolveConsortiumPath(first, cwd))) {
    return new UsageError({ message: `${NEEDS_ARBITER} ("${first}" is no consortium here)`, help: false });
  }
  const file = fileFor(first, cwd);
  return file instanceof UsageError ? file : { _tag: "File", file, prompt: undefined };
};
