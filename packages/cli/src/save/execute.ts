import { existsSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { dirname, join, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { formatConsortiumYaml } from "@consortium/config";
import { makeFolder } from "@consortium/config/makeFolder";
import { messageOf } from "@consortium/config/messageOf";
import * as Console from "effect/Console";
import * as Effect from "effect/Effect";
import { UsageError } from "../failures.js";
import { adHocData, type ConsortiumFlags, checkConsortiumData } from "../run/consortiumFromFlags.js";

// `consortium save <name> -m … --arbiter …`: the ad-hoc consortium of `run`, kept as consortia/<name>.yaml
// with the schema modeline, so `run <name>` and `validate` take it from then on.

export interface SaveFlags extends ConsortiumFlags {
  readonly name: string;
  readonly force: boolean;
}

/**
 * Where consortium.schema.json is: the project's own schemas/ (a checkout of this repository), else the
 * copy the installed package ships beside the bundle (dist/cli → dist/schemas).
 */
const schemaFile = (cwd: string): string | undefined =>
  [
    join(cwd, "schemas", "consortium.schema.json"),
    fileURLToPath(new URL("../schemas/consortium.schema.json", import.meta.url)),
    // a checkout's own build: packages/cli/dist → schemas/
    fileURLToPath(new URL("../../../schemas/consortium.schema.json", import.meta.url))
  ].find((file) => existsSync(file));

/** The nearest folder at or above `path` holding a `.git` (a folder, or a worktree's file). */
const repositoryOf = (path: string): string | undefined => {
  for (let dir = dirname(path); ; dir = dirname(dir)) {
    if (existsSync(join(dir, ".git"))) return dir;
    if (dirname(dir) === dir) return undefined;
  }
};

/** Where the docs put the schema beside consortia/: `consortium schema > schemas/consortium.schema.json` writes it. */
const DOCUMENTED_SCHEMA = "../schemas/consortium.schema.json";

/**
 * The modeline's path to the schema from `file`: relative when the schema found lives in the same
 * project or repository as the file (a path that means the same on every clone), else the documented
 * place beside consortia/. A path into the CLI's own install (a global npm folder, another checkout)
 * would differ on every machine the file is committed to.
 */
const schemaRefFor = (file: string, cwd: string): string => {
  const schema = schemaFile(cwd);
  if (schema === undefined) return DOCUMENTED_SCHEMA;
  const inProject = !relative(cwd, schema).startsWith("..");
  const repository = repositoryOf(file);
  const inRepository = repository !== undefined && !relative(repository, schema).startsWith("..");
  return inProject || inRepository ? relative(dirname(file), schema).split(sep).join("/") : DOCUMENTED_SCHEMA;
};

export const executeSave = (flags: SaveFlags) =>
  Effect.gen(function* () {
    if (flags.models.length === 0 || flags.arbiter === undefined) {
      return yield* new UsageError({
        message: "save needs members and an arbiter: -m <provider/model[:count]> … --arbiter <provider/model>"
      });
    }
    const data = adHocData(flags.name, flags);
    const cwd = process.cwd();
    const file = join(cwd, "consortia", `${flags.name}.yaml`);
    const shown = relative(cwd, file);
    yield* checkConsortiumData(data, flags, shown);
    if (!flags.force && existsSync(file)) {
      return yield* new UsageError({ message: `${shown} already exists: pass --force to overwrite it`, help: false });
    }
    const schemaRef = schemaRefFor(file, cwd);
    yield* Effect.tryPromise({
      try: async () => {
        makeFolder(dirname(file));
        await writeFile(file, formatConsortiumYaml(data, schemaRef));
      },
      catch: (error) =>
        new UsageError({
          message: `cannot write ${shown}: ${messageOf(error)}`,
          // the path is what is wrong, not how the command was called
          help: false
        })
    });
    yield* Console.log(`saved ${shown}; run it with: consortium run ${flags.name} "<prompt>"`);
  });
