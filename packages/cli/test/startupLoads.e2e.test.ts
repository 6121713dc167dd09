import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { type FakeLlm, fakeLlmEnv, startFakeLlm } from "@consortium/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { consortium, repoRoot } from "./binary.js";

// What a command runs at start-up decides how fast it starts: compiling code is most of a short
// command's time. The CLI is one CommonJS bundle in which esbuild wraps each module in a function
// (`__esm({ "<path>"() {…} })`, `__commonJS(…)`) run when the module is first imported, so a command
// initialises (and compiles, and caches) only the modules its imports reach; one static import in the
// wrong place (the store importing `pg`, the providers importing both SDKs) quietly puts a package on
// every start-up. These tests run a copy of the bundle that records each module it initialises and
// each package it requires from node_modules, and look for packages a command must not need, by
// package rather than by time (a timed test would flake on a loaded machine; `pnpm bench` times it).

const bundle = fileURLToPath(new URL("../dist/cli.cjs", import.meta.url));

/** Records what the copy runs, placed at its top: `require` of a package outside the bundle, wrapped. */
const RECORDER = [
  'var __recordFs = require("node:fs");',
  'var __recordLoad = (name) => __recordFs.appendFileSync(process.env.CONSORTIUM_TEST_LOADS, name + "\\n");',
  "require = ((inner) => Object.assign((id) => { __recordLoad('require ' + id); return inner(id); }, inner))(require);",
  ""
].join("\n");

/**
 * esbuild's `__esm` and `__commonJS` helpers each call a module's body once, as
 * `(0, body[__getOwnPropNames(body)[0]])(…)`, the one key being the module's path: the copy records
 * that key first.
 */
const INIT_CALL = /\(0,\s*(\w+)\[__getOwnPropNames\(\1\)\[0\]\]\)/g;

/** The paths of the bundle's wrapped modules: `"<path>"() {` or `"<path>"(exports, module) {` in a helper's argument. */
const wrappedModules = (text: string): Set<string> =>
  new Set([...text.matchAll(/(?:__esm|__commonJS)\(\{\s*"([^"]+)"\(/g)].map((match) => match[1]!));

/**
 * The packages a process initialised, by their node_modules folder (a bundled module's path, or the
 * name it required), plus `command <name>` for each of the CLI's command modules.
 */
const packagesLoaded = (names: ReadonlyArray<string>): Set<string> => {
  const found = new Set<string>();
  const inNodeModules = /node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?((?:@[^/]+\/)?[^/]+)\//;
  for (const name of names) {
    const required = /^require ((?:@[^/]+\/)?[^/]+)/.exec(name);
    if (required !== null) {
      if (!required[1]!.startsWith("node:")) found.add(required[1]!);
      continue;
    }
    const inPackage = inNodeModules.exec(name);
    if (inPackage !== null) found.add(inPackage[1]!);
    // this package's own command modules, each loaded only when its command runs
    const command = /(?:^|\/)src\/commands\/(\w+)\.ts$/.exec(name);
    if (command !== null) found.add(`command ${command[1]}`);
  }
  return found;
};

let dir: string;
let fake: FakeLlm;
let recording: string;
let alwaysLoaded: Array<string>;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "consortium-loads-"));
  fake = await startFakeLlm();
  const text = readFileSync(bundle, "utf8");
  const wrapped = wrappedModules(text);
  // the recording works: the bundle still has its helpers as the recorder expects
  expect(wrapped.size).toBeGreaterThan(100);
  expect([...text.matchAll(INIT_CALL)]).toHaveLength(2);
  // Every other module of the bundle (main.ts and what it imports eagerly) runs on every start.
  const modules = JSON.parse(readFileSync(join(dirname(bundle), "cli.modules.json"), "utf8")) as Array<string>;
  expect(modules.filter((path) => wrapped.has(path))).toHaveLength(wrapped.size);
  alwaysLoaded = modules.filter((path) => !wrapped.has(path));
  // beside the bundle, so its requires resolve from the same node_modules
  recording = join(dirname(bundle), `cli.loads-${process.pid}.cjs`);
  writeFileSync(
    recording,
    RECORDER +
      text.replace(
        INIT_CALL,
        (_, body: string) => `(__recordLoad(__getOwnPropNames(${body})[0]), 0, ${body}[__getOwnPropNames(${body})[0]])`
      )
  );
});
afterAll(async () => {
  rmSync(recording, { force: true });
  await fake.close();
});

const loadsOf = async (name: string, args: ReadonlyArray<string>, env: NodeJS.ProcessEnv = {}) => {
  const record = join(dir, `${name}.loads`);
  writeFileSync(record, "");
  const result = await consortium(args, { env: { ...env, CONSORTIUM_TEST_LOADS: record }, bin: recording });
  expect(result.stderr, name).not.toMatch(/internal error|Error:/);
  expect(result.code, `${name}: ${result.stderr}`).toBe(0);
  return packagesLoaded([
    ...alwaysLoaded,
    ...readFileSync(record, "utf8")
      .split("\n")
      .filter((line) => line !== "")
  ]);
};

describe("what start-up loads", () => {
  it("validate loads the config code (yaml), Effect and its own command, and no SDK, database driver, kysely, ajv, fast-check, zod or other command", async () => {
    const loaded = await loadsOf("validate", ["validate", join(repoRoot, "consortia/research.yaml")]);
    // the recording works: these are what validate needs
    expect(loaded).toContain("yaml");
    expect(loaded).toContain("effect");
    // fast-check (effect's property testing, reached through effect/Schema) and zod (the MCP SDK's) too
    for (const heavy of ["openai", "@anthropic-ai/sdk", "pg", "better-sqlite3", "kysely", "ajv", "fast-check", "zod"]) {
      expect(loaded, heavy).not.toContain(heavy);
    }
    // nor the other commands' modules (their options and descriptions); options.ts is the shared helpers
    const commands = [...loaded].filter((name) => name.startsWith("command ") && name !== "command options");
    expect(commands).toEqual(["command validate"]);
  });

  it("a recorded run of an OpenAI-only consortium loads OpenAI's SDK and SQLite, not Anthropic's SDK, pg, ajv, fast-check or zod", async () => {
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
    for (const unused of ["@anthropic-ai/sdk", "pg", "ajv", "fast-check", "zod"]) {
      expect(loaded, unused).not.toContain(unused);
    }
  });
});
