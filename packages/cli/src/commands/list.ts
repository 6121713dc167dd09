import { basename, join } from "node:path";
import * as Command from "@effect/cli/Command";
import * as Options from "@effect/cli/Options";
import * as Console from "effect/Console";
import * as Effect from "effect/Effect";
import * as Either from "effect/Either";
import { configModule } from "../lazy.js";
import { formatTable } from "../table.js";

export interface ListedConsortium {
  readonly file: string;
  readonly name: string;
  readonly members: ReadonlyArray<string>;
  readonly arbiter: string;
  /** Set when the file does not validate; the other fields are then placeholders. */
  readonly error: string | undefined;
  /** Set when another file holds the same name and is the one it means (`run`, `serve`, `mcp`). */
  readonly shadowedBy: string | undefined;
}

const listConsortia = (cwd: string) =>
  Effect.gen(function* () {
    const config = yield* configModule;
    const listed = yield* config.listConsortia(join(cwd, "consortia"));
    const shadowed = new Map(config.shadowedFiles(listed).map(({ file, usedBy }) => [file, usedBy]));
    return listed.map(({ file: path, stem, config: parsed }): ListedConsortium => {
      const file = join("consortia", basename(path));
      const usedBy = shadowed.get(path);
      return Either.match(parsed, {
        onLeft: () => ({
          file,
          name: stem,
          members: [],
          arbiter: "",
          error: `invalid: run consortium validate ${file}`,
          shadowedBy: undefined
        }),
        onRight: (c) => ({
          file,
          name: c.name,
          members: c.members.map((m) => `${m.provider}/${m.model}${m.count > 1 ? ` x${m.count}` : ""}`),
          arbiter: c.arbiter === undefined ? "" : `${c.arbiter.provider}/${c.arbiter.model}`,
          error: undefined,
          shadowedBy: usedBy === undefined ? undefined : join("consortia", basename(usedBy))
        })
      });
    });
  });

export const list = Command.make(
  "list",
  { json: Options.boolean("json").pipe(Options.withDescription("print the list as JSON")) },
  ({ json }) =>
    Effect.gen(function* () {
      const consortia = yield* listConsortia(process.cwd());
      if (json) return yield* Console.log(JSON.stringify(consortia, null, 2));
      if (consortia.length === 0) return yield* Console.error("No consortium files under ./consortia");
      for (const c of consortia) {
        if (c.shadowedBy !== undefined) {
          yield* Console.error(`warning: ${c.file} is not used: ${c.shadowedBy} is also named ${c.name}`);
        }
      }
      yield* Console.log(
        formatTable(
          ["NAME", "MEMBERS", "ARBITER"],
          consortia.map((c) =>
            c.error !== undefined
              ? [c.name, c.error, ""]
              : c.shadowedBy !== undefined
                ? [c.name, `not used (${c.file}): ${c.shadowedBy} has this name`, ""]
                : [c.name, c.members.join(", "), c.arbiter]
          )
        )
      );
    })
).pipe(Command.withDescription("List the consortia under ./consortia: name, members, arbiter."));
