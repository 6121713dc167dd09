import { existsSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import * as Effect from "effect/Effect";
import { asArray, isRecord } from "./checks/data.js";
import { liesOutside } from "./confine.js";
import { parseConsortiumSource } from "./consortium.js";
import { MAX_NESTING_DEPTH } from "./defaults.js";
import { ConfigError, type Issue } from "./errors.js";
import { readText, unreadable } from "./io.js";
import { consortiumUnpricedModels, unpricedBudgetMessage } from "./prices/coverage.js";
import { toIssues } from "./problem.js";
import { isPathLike, resolveConsortiumPath } from "./resolve.js";
import type { ConsortiumConfig, MemberConfig } from "./types.js";

// Consortium files from disk, with the consortia they include (`members: [{consortium: …}]`) loaded
// too, each checked as a file of its own. A chain of includes that comes back to a file it passed
// through, or goes deeper than MAX_NESTING_DEPTH, is a problem of the member that closes it. An included
// file must sit in the outermost file's folder (or below it) or in the working directory: a file from
// someone else may not have the loader read, and quote in its errors, any file the user can read.

/**
 * Where an included consortium lives: a path is relative to the including file; a name is a sibling
 * `<name>.yaml` (or `.yml`), else `consortia/<name>.yaml` under the working directory.
 */
export const includedPath = (ref: string, includingFile: string): string => {
  const dir = dirname(includingFile);
  if (isPathLike(ref)) return resolve(dir, ref);
  const sibling = [join(dir, `${ref}.yaml`), join(dir, `${ref}.yml`)].find((candidate) => existsSync(candidate));
  return sibling ?? resolveConsortiumPath(ref, process.cwd());
};

/** A file as messages name it: relative to the working directory when it is under it. */
const shown = (absolute: string): string => {
  const near = relative(process.cwd(), absolute);
  return near === "" || near.startsWith("..") ? absolute : near;
};

interface Tree {
  readonly config: ConsortiumConfig;
  readonly data: unknown;
}

/** `chain`: the absolute paths of the files that include this one, outermost first. */
const loadTree = (path: string, display: string, chain: ReadonlyArray<string>): Effect.Effect<Tree, ConfigError> =>
  Effect.gen(function* () {
    const text = yield* Effect.mapError(readText(path), (reason) => unreadable(display, reason));
    const absolute = resolve(path);
    const { config, data, locate } = yield* parseConsortiumSource(text, display, absolute);
    const here = [...chain, absolute];
    const included = new Map<string, ConsortiumConfig>();
    const issues: Array<Issue> = [];
    const problemAt = (index: number, message: string): Issue =>
      toIssues(display, [{ path: ["members", index, "consortium"], message, source: "semantic" }], locate)[0]!;
    for (const [index, member] of asArray(isRecord(data) ? data.members : undefined).entries()) {
      if (!isRecord(member) || typeof member.consortium !== "string") continue;
      const ref = member.consortium;
      if (included.has(ref)) continue;
      const target = includedPath(ref, absolute);
      const names = [...here, target].map(shown).join(" → ");
      if (here.includes(target)) {
        issues.push(problemAt(index, `includes a consortium that includes this one, a cycle: ${names}`));
        continue;
      }
      if (here.length > MAX_NESTING_DEPTH) {
        issues.push(problemAt(index, `nests consortia deeper than ${MAX_NESTING_DEPTH} levels: ${names}`));
        continue;
      }
      if (!existsSync(target)) {
        issues.push(problemAt(index, `names no consortium file: ${shown(target)} does not exist`));
        continue;
      }
      const outermost = here[0]!;
      if (yield* liesOutside(target, [dirname(outermost), process.cwd()])) {
        const where = `is outside the folder of ${shown(outermost)} and the working directory (or links outside them)`;
        issues.push(problemAt(index, `${where}: keep included consortia beside it or below it`));
        continue;
      }
      const inner = yield* Effect.either(loadTree(target, shown(target), here));
      if (inner._tag === "Left") issues.push(...inner.left.issues);
      else included.set(ref, inner.right.config);
    }
    if (issues.length > 0) return yield* new ConfigError({ file: display, issues });
    const members = config.members.map(
      (member): MemberConfig =>
        member.consortium === undefined
          ? member
          : { ...member, consortium: { ...member.consortium, config: included.get(member.consortium.ref) } }
    );
    const tree = included.size === 0 ? config : { ...config, members };
    // The file's own models passed the budget check; a budget covers the included consortia's calls too.
    const unpriced = tree.limits.budgetUsd === undefined ? [] : consortiumUnpricedModels(tree);
    if (unpriced.length > 0) {
      const problem = {
        path: ["limits", "budget_usd"],
        message: unpricedBudgetMessage(unpriced),
        source: "semantic"
      } as const;
      return yield* new ConfigError({ file: display, issues: toIssues(display, [problem], locate) });
    }
    return { config: tree, data };
  });

/** A consortium file and the consortia it includes, loaded and checked; issues name `path` as given. */
export const loadConsortiumTree = (path: string): Effect.Effect<Tree, ConfigError> => loadTree(path, path, []);

/**
 * A valid file's data as written (plain JSON values) next to its config: what `run`'s flags are laid
 * over before the whole goes through `consortiumFromObject` once more.
 */
export const loadConsortiumFileData = Effect.fn("Config.loadConsortiumFileData")(function* (path: string) {
  const { config, data } = yield* loadConsortiumTree(path);
  const plain: unknown = JSON.parse(JSON.stringify(data) ?? "null");
  return {
    config,
    data: typeof plain === "object" && plain !== null ? (plain as Record<string, unknown>) : {}
  };
});

/** Reads and validates a consortium file and every consortium it includes; issues name the path as given. */
export const loadConsortiumFile = Effect.fn("Config.loadConsortiumFile")(function* (path: string) {
  return (yield* loadConsortiumTree(path)).config;
});
