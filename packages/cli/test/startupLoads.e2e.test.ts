import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type FakeLlm, fakeLlmEnv, startFakeLlm } from "@consortium/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { consortium, repoRoot } from "./binary.js";

// What a command loads decides how fast it starts: compiling code is most of a short command's time.
// The bundle is split into chunks loaded on demand; one static import in the wrong place (the store
// importing `pg`, the providers importing both SDKs) quietly puts a package on every start-up. These
// tests record every module the process loads and look for packages a command must not need, by
// package rather than by time (a timed test would flake on a loaded machine; `pnpm bench` times it).

/** A loader hook, preloaded with --import, appending every module URL the process loads to a file. */
const HOOKS = [
  'import { appendFileSync } from "node:fs";',
  "export async function load(url, context, next) {",
  '  appendFileSync(process.env.CONSORTIUM_TEST_LOADS, url + "\\n");',
  "  return next(url, context);",
  "}"
].join("\n");
const PRELOAD = [
  'import { register } from "node:module";',
  `register(${JSON.stringify(`data:text/javascript,${encodeURIComponent(HOOKS)}`)});`
].join("\n");

/**
 * The packages a process loaded: each module outside the bundle by its node_modules folder, and each
 * chunk of the bundle by the packages it holds (esbuild keeps a `// path` comment per bundled file),
 * plus `command <name>` for each of the CLI's command modules.
 */
const packagesLoaded = (urls: ReadonlyArray<string>): Set<string> => {
  const found = new Set<string>();
  const name = /node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?((?:@[^/]+\/)?[^/]+)\//g;
  for (const url of urls) {
    if (!url.startsWith("file:")) continue;
    const path = fileURLToPath(url);
    const text = path.includes("/dist/") && !path.includes("node_modules") ? readFileSync(path, "utf8") : path;
    const lines = text === path ? [path] : text.split("\n").filter((line) => line.startsWith("// "));
    for (const line of lines) {
      for (const match of line.matchAll(name)) found.add(match[1]!);
      // this package's own command modules, each loaded only when its command runs
      const command = /^\/\/ src\/commands\/(\w+)\.ts$/.exec(line);
      if (command !== null) found.add(`command ${command[1]}`);
    }
  }
  return found;
};

let dir: string;
let fake: FakeLlm;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "consortium-loads-"));
  fake = await startFakeLlm();
});
afterAll(() => fake.close());

const loadsOf = async (name: string, args: ReadonlyArray<string>, env: NodeJS.ProcessEnv = {}) => {
  const record = join(dir, `${name}.loads`);
  writeFileSync(record, "");
  const preload = `data:text/javascript,${encodeURIComponent(PRELOAD)}`;
  const result = await consortium(args, {
    env: { ...env, CONSORTIUM_TEST_LOADS: record, NODE_OPTIONS: `--import=${preload}` }
  });
  expect(result.stderr, name).not.toMatch(/internal error|Error:/);
  expect(result.code, `${name}: ${result.stderr}`).toBe(0);
  return packagesLoaded(
    readFileSync(record, "utf8")
      .split("\n")
      .filter((line) => line !== "")
  );
};

describe("what start-up loads", () => {
  it("validate loads the config code (yaml), Effect and its own command, and no SDK, database driver, kysely, ajv or other command", async () => {
    const loaded = await loadsOf("validate", ["validate", join(repoRoot, "consortia/research.yaml")]);
    // the recording works: these are what validate needs
    expect(loaded).toContain("yaml");
    expect(loaded).toContain("effect");
    for (const heavy of ["openai", "@anthropic-ai/sdk", "pg", "better-sqlite3", "kysely", "ajv"]) {
      expect(loaded, heavy).not.toContain(heavy);
    }
    // nor the other commands' modules (their options and descriptions); options.ts is the shared helpers
    const commands = [...loaded].filter((name) => name.startsWith("command ") && name !== "command options");
    expect(commands).toEqual(["command validate"]);
  });

  it("a recorded run of an OpenAI-only consortium loads OpenAI's SDK and SQLite, not Anthropic's SDK, pg or ajv", async () => {
    fake.script("member-model", { text: "Canberra." });
    fake.script("arbiter-model", {
      text: "<synthesis>Canberra.</synthesis><confidence>0.9</confidence><needs_iteration>false</needs_iteration>"
    });
    const file = join(dir, "openai-only.yaml");
    writeFileSync(file, "name: openai-only\nmembers: [openai/member-model]\narbiter: openai/arbiter-model\n");
    const loaded = await loadsOf("run", ["run", "--no-stdin", "--db", join(dir, "runs.db"), file, "Capital?"], {
      ...fakeLlmEnv(fake)
    });
    expect(loaded).toContain("openai");
    expect(loaded).toContain("better-sqlite3");
    expect(loaded).toContain("kysely");
    for (const unused of ["@anthropic-ai/sdk", "pg", "ajv"]) expect(loaded, unused).not.toContain(unused);
  });
});
