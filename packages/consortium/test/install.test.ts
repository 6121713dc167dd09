import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type FakeLlm, fakeLlmEnv, startFakeLlm } from "@consortium/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exec, externalPackages, pack, packageDir, type Ran, repoRoot, startBinaryMirror } from "./npm.js";

// The package a user installs: `pnpm release:pack`, then plain `npm i <tarball>` into an empty project
// and `npm i -g --prefix`, outside this checkout. Then the command and both kinds of consumer run
// against the loopback fake server. A dependency the bundles import but `dependencies` lacks fails here.

const manifest = JSON.parse(readFileSync(join(packageDir, "package.json"), "utf8")) as {
  readonly version: string;
  readonly dependencies: Record<string, string>;
};

const arbiterReply = (text: string) =>
  `<synthesis>${text}</synthesis><confidence>0.9</confidence><analysis>a</analysis><dissent></dissent>` +
  "<needs_iteration>false</needs_iteration><refinement_areas></refinement_areas>";

const CONSORTIUM = [
  "# yaml-language-server: $schema=../node_modules/consortium/dist/schemas/consortium.schema.json",
  "name: research",
  "members: [openai/gpt-4.1-mini:2, anthropic/claude-haiku-4-5]",
  "arbiter: openai/arbiter-model",
  ""
].join("\n");

const MJS_CONSUMER = `
import { createConsortium, loadConsortium, runConsortium, LlmClientLive, RunLog } from "consortium";
import { Effect, Layer } from "effect";

const built = createConsortium({ models: ["openai/gpt-4.1-mini:2"], arbiter: "openai/arbiter-model" });
const fromCode = await built.run("Capital of Australia?");
const loaded = await loadConsortium("consortia/research.yaml");
const fromFile = await loaded.run("Capital of Australia?");
const viaEffect = await Effect.runPromise(
  runConsortium(loaded.config, "Capital?").pipe(Effect.provide(Layer.merge(LlmClientLive, RunLog.none)))
);
const { resolveDbPath } = await import("consortium/store");
console.log(JSON.stringify([fromCode.synthesis.text, fromFile.status, viaEffect.synthesis.confidence, typeof resolveDbPath]));
`;

const TS_CONSUMER = `
import { createConsortium, loadConsortium, runConsortium, type RunResult } from "consortium";
import { resolveDbPath } from "consortium/store";

export const ask = async (prompt: string): Promise<string> => {
  const consortium = createConsortium({ models: ["openai/gpt-4.1-mini:2"], arbiter: "openai/arbiter-model" });
  const result: RunResult = await consortium.run(prompt);
  const confidence: number | undefined = result.synthesis?.confidence;
  return \`\${result.status} \${confidence}\`;
};
export const loaded = loadConsortium("consortia/research.yaml");
export const program = runConsortium;
export const db: string = resolveDbPath({ flag: "x.db" });
// fails to compile (an unused expectation) if the declarations lost their way and RunResult became any
// @ts-expect-error a status is one of four words
export const wrong: RunResult["status"] = 42;
`;

const tsconfig = (moduleResolution: "nodenext" | "bundler") =>
  JSON.stringify({
    compilerOptions: {
      target: "ES2022",
      module: moduleResolution === "bundler" ? "ESNext" : "NodeNext",
      moduleResolution,
      strict: true,
      noEmit: true,
      // as most projects set it; the @ts-expect-error above still catches declarations that do not resolve
      skipLibCheck: true,
      types: []
    },
    files: ["consumer.ts"]
  });

let work: string;
let project: string;
let globalBin: string;
let fake: FakeLlm;
let env: NodeJS.ProcessEnv;

const expectOk = (ran: Ran): Ran => {
  expect(ran.stderr, ran.stdout).not.toMatch(/^\s+at .+/m);
  expect(ran.code, `${ran.stdout}\n${ran.stderr}`).toBe(0);
  return ran;
};

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), "consortium-pack-"));
  project = join(work, "project");
  mkdirSync(join(project, "consortia"), { recursive: true });
  writeFileSync(join(project, "package.json"), JSON.stringify({ name: "consumer", private: true, type: "module" }));
  const tarball = await pack(join(work, "release"));
  const mirror = await startBinaryMirror(work);
  const npmEnv = {
    ...process.env,
    ...mirror.env,
    // node-gyp, if it ever compiles, builds against the installed headers instead of downloading them
    npm_config_nodedir: "/usr",
    // one cache for every run of this test, so the registry is asked once per dependency version
    npm_config_cache: join(repoRoot, "node_modules", ".cache", "consortium-pack-test"),
    npm_config_audit: "false",
    npm_config_fund: "false",
    npm_config_update_notifier: "false",
    npm_config_prefer_offline: "true"
  };
  try {
    const [local, global] = await Promise.all([
      exec("npm", ["install", tarball], { cwd: project, env: npmEnv }),
      exec("npm", ["install", "--global", "--prefix", join(work, "global"), tarball], { cwd: work, env: npmEnv })
    ]);
    expectOk(local);
    expectOk(global);
  } finally {
    await mirror.close();
  }
  globalBin = join(work, "global", "bin", "consortium");
  fake = await startFakeLlm({
    scripts: { "arbiter-model": { text: arbiterReply("Canberra.") } },
    defaultReply: { text: "Canberra." }
  });
  // nothing from this checkout: the environment a user's shell would have, pointed at the fake
  env = {
    PATH: process.env.PATH,
    HOME: work,
    NO_COLOR: "1",
    ...fakeLlmEnv(fake),
    CONSORTIUM_DB: join(work, "runs.db")
  };
  writeFileSync(join(project, "consortia", "research.yaml"), CONSORTIUM);
}, 600_000);

// two node_modules trees: removed without blocking the worker, which must keep answering vitest
afterAll(async () => {
  await fake?.close();
  if (work !== undefined) await rm(work, { recursive: true, force: true });
}, 300_000);

describe("the packed consortium package", () => {
  it("declares every package its bundles and declarations import", () => {
    const imported = [
      ...externalPackages(join(packageDir, "dist", "meta", "lib.json")),
      ...externalPackages(join(packageDir, "dist", "meta", "cli.json"))
    ];
    for (const name of imported) expect(Object.keys(manifest.dependencies), name).toContain(name);
    const installed = JSON.parse(readFileSync(join(project, "node_modules", "consortium", "package.json"), "utf8"));
    expect(installed.dependencies).toEqual(manifest.dependencies);
    expect(installed.exports["."]).toEqual({ types: "./dist/types/index.d.ts", default: "./dist/lib/index.js" });
  });

  it("puts `consortium` on the PATH of a global prefix: --version, validate, run, runs, show", async () => {
    const version = expectOk(await exec(globalBin, ["--version"], { cwd: work, env }));
    expect(version.stdout.trim()).toBe(manifest.version);
    const help = expectOk(await exec(globalBin, ["--help"], { cwd: work, env }));
    expect(help.stdout).toContain("run");

    const valid = expectOk(await exec(globalBin, ["validate", "consortia/research.yaml"], { cwd: project, env }));
    expect(valid.stdout).toContain("ok  consortia/research.yaml");

    const run = expectOk(await exec(globalBin, ["run", "research", "Capital of Australia?"], { cwd: project, env }));
    expect(run.stdout.trim()).toBe("Canberra.");

    const runs = expectOk(await exec(globalBin, ["runs", "--json"], { cwd: project, env }));
    const [latest] = JSON.parse(runs.stdout) as Array<{ id: string; consortium: string }>;
    expect(latest?.consortium).toBe("research");
    const show = expectOk(await exec(globalBin, ["show", latest!.id], { cwd: project, env }));
    expect(show.stdout).toContain("Canberra.");
  });

  it("gives the project a working node_modules/.bin/consortium (the SQLite addon installed by npm)", async () => {
    const bin = join(project, "node_modules", ".bin", "consortium");
    const run = expectOk(await exec(bin, ["run", "research", "Capital?", "--json"], { cwd: project, env }));
    expect(JSON.parse(run.stdout).status).toBe("completed");
  });

  it("imports loadConsortium, createConsortium and runConsortium from a plain .mjs file", async () => {
    writeFileSync(join(project, "consumer.mjs"), MJS_CONSUMER);
    const ran = expectOk(await exec(process.execPath, ["consumer.mjs"], { cwd: project, env }));
    expect(JSON.parse(ran.stdout)).toEqual(["Canberra.", "completed", 0.9, "function"]);
  });

  it.each(["nodenext", "bundler"] as const)(
    "type-checks a .ts consumer with moduleResolution %s",
    async (resolution) => {
      writeFileSync(join(project, "consumer.ts"), TS_CONSUMER);
      writeFileSync(join(project, `tsconfig.${resolution}.json`), tsconfig(resolution));
      const tsc = join(repoRoot, "node_modules", "typescript", "bin", "tsc");
      expectOk(await exec(process.execPath, [tsc, "-p", `tsconfig.${resolution}.json`], { cwd: project, env }));
    },
    120_000
  );
});
