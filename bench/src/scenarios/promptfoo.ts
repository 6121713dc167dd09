import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { messageOf } from "@consortium/config/messageOf";
import { type FakeProcess, fakeEnv } from "../fake.js";
import type { Fixtures } from "../fixtures.js";
import { explainFailure, type Measured, measureNode } from "../measure.js";
import { promptfooBin, promptfooDir } from "../paths.js";
import type { Row } from "../report.js";
import type { Settings } from "../settings.js";
import { describeReplay, instantScripts, type RecordedSuite, replayCassette } from "./replay.js";
import { describeRun, runEval, singleScripts } from "./suite.js";

// Scenario 5: the same single-model suite, run by promptfoo and by us.
//
// promptfoo is installed on demand into bench/promptfoo (its own npm folder and lockfile, outside the
// pnpm workspace) without its optional dependencies: they are hundreds of packages and a browser. One
// optional package it cannot start without is libsql's native binding (promptfoo opens its SQLite
// database at start-up), so that one is added back for this platform.

const PROMPTFOO_VERSION = "0.121.20";

const npm = (args: ReadonlyArray<string>): void => {
  execFileSync("npm", [...args, "--omit=optional", "--ignore-scripts", "--no-audit", "--no-fund"], {
    cwd: promptfooDir,
    stdio: ["ignore", "inherit", "inherit"]
  });
};

const installedVersion = (): string | undefined => {
  const manifest = join(promptfooDir, "node_modules/promptfoo/package.json");
  return existsSync(manifest) ? (JSON.parse(readFileSync(manifest, "utf8")) as { version: string }).version : undefined;
};

/** The libsql binding package for this machine, by libsql's own rule (see node_modules/libsql/index.js). */
const libsqlBinding = (): { name: string; version: string } => {
  const script = [
    'const { currentTarget } = require("@neon-rs/load");',
    'const { familySync, GLIBC } = require("detect-libc");',
    "let t = currentTarget();",
    'if (familySync() === GLIBC && t.endsWith("-musl") && !t.startsWith("linux-arm-")) t = t.replace("-musl", "-gnu");',
    'process.stdout.write(JSON.stringify({ name: "@libsql/" + t, version: JSON.parse(require("fs").readFileSync("package.json", "utf8")).version }));'
  ].join("\n");
  return JSON.parse(
    execFileSync(process.execPath, ["-e", script], { cwd: join(promptfooDir, "node_modules/libsql"), encoding: "utf8" })
  ) as { name: string; version: string };
};

/** Installs promptfoo when missing; returns why it cannot run, or undefined when it can. */
export const ensurePromptfoo = (log: (line: string) => void): string | undefined => {
  try {
    if (installedVersion() !== PROMPTFOO_VERSION) {
      log(`installing promptfoo ${PROMPTFOO_VERSION} into ${promptfooDir} (once; about two minutes)`);
      npm(existsSync(join(promptfooDir, "package-lock.json")) ? ["ci"] : ["install"]);
    }
    const binding = libsqlBinding();
    if (!existsSync(join(promptfooDir, "node_modules", binding.name))) {
      log(`adding promptfoo's SQLite binding ${binding.name}@${binding.version}`);
      npm(["install", "--no-save", `${binding.name}@${binding.version}`]);
    }
    return installedVersion() === PROMPTFOO_VERSION ? undefined : "the install did not produce promptfoo";
  } catch (error) {
    return `promptfoo could not be installed: ${messageOf(error).split("\n")[0]}`;
  }
};

/** No telemetry, update check, sharing, remote generation or log files: nothing leaves the machine. */
const promptfooEnv = (fake: FakeProcess, configDir: string): NodeJS.ProcessEnv => ({
  ...fakeEnv(fake),
  PROMPTFOO_CONFIG_DIR: configDir,
  PROMPTFOO_DISABLE_TELEMETRY: "1",
  PROMPTFOO_DISABLE_UPDATE: "1",
  PROMPTFOO_DISABLE_SHARING: "1",
  PROMPTFOO_DISABLE_REMOTE_GENERATION: "1",
  PROMPTFOO_DISABLE_REDTEAM_REMOTE_GENERATION: "1",
  // its file logger throws "write after end" as the process exits (exit code 1 after a good eval)
  PROMPTFOO_DISABLE_DEBUG_LOG: "1",
  PROMPTFOO_DISABLE_ERROR_LOG: "1",
  // Even with telemetry off it posts one "telemetry disabled" event to r.promptfoo.app; send that
  // (and any other https request) to a closed local port. The fake is plain http, so it is unaffected.
  HTTPS_PROXY: "http://127.0.0.1:9",
  https_proxy: "http://127.0.0.1:9",
  NO_PROXY: "127.0.0.1,localhost",
  no_proxy: "127.0.0.1,localhost"
});

interface PromptfooRun extends Measured {
  readonly calls: number;
  readonly maxInFlight: number;
}

/** One `promptfoo eval` of the single-model suite; `configDir` holds its database and its cache. */
const runPromptfoo = async (
  fake: FakeProcess,
  fixtures: Fixtures,
  settings: Settings,
  configDir: string,
  cache: boolean,
  label: string
): Promise<PromptfooRun> => {
  const run = await measureNode(
    promptfooBin,
    [
      "eval",
      "-c",
      fixtures.promptfooConfig,
      "-j",
      String(settings.concurrency),
      ...(cache ? [] : ["--no-cache"]),
      "--no-table",
      "--no-progress-bar"
    ],
    { env: promptfooEnv(fake, configDir), cwd: fixtures.dir }
  );
  if (run.exitCode !== 0) throw explainFailure(`promptfoo eval (${label})`, run);
  const stats = await fake.stats();
  return { ...run, calls: stats.calls, maxInFlight: stats.maxInFlight };
};

const cpuMs = (run: Measured): number => run.userMs + run.sysMs;

const describePromptfoo = (label: string, run: PromptfooRun): string =>
  `promptfoo eval ${label}: ${(run.wallMs / 1000).toFixed(2)} s wall, ${(cpuMs(run) / 1000).toFixed(2)} s CPU, ` +
  `${run.calls} calls reached the fake, ${run.maxInFlight} in flight at most, peak RSS ${run.maxRssMb.toFixed(0)} MB`;

const report = (scenario: string, measured: number, ideal: number, unit: Row["unit"], note?: string): Row => ({
  scenario,
  measured,
  ideal,
  unit,
  target: "report",
  ok: undefined,
  ...(note === undefined ? {} : { note })
});

/** promptfoo on the single-model suite; compared with ours when `eval` exists (else only to the ideal). */
export const promptfooComparison = async (
  fake: FakeProcess,
  fixtures: Fixtures,
  settings: Settings,
  oursAvailable: boolean,
  log: (line: string) => void
): Promise<Array<Row>> => {
  const ideal = Math.ceil(fixtures.cases / settings.concurrency) * settings.suiteMemberMs;
  const ours = oursAvailable
    ? await runEval(fake, fixtures.singleSuite, singleScripts(settings), fixtures.cases, "store", settings, "single")
    : undefined;
  if (ours !== undefined) log(describeRun("single-model suite, consortium eval --db", ours));

  const configDir = mkdtempSync(join(tmpdir(), "consortium-bench-promptfoo-"));
  let theirs: PromptfooRun;
  try {
    await fake.scriptAll(singleScripts(settings));
    theirs = await runPromptfoo(fake, fixtures, settings, configDir, false, "--no-cache");
  } finally {
    rmSync(configDir, { recursive: true, force: true });
  }
  if (theirs.calls !== fixtures.cases) {
    throw new Error(`promptfoo eval: expected ${fixtures.cases} model calls, the fake saw ${theirs.calls}`);
  }
  const theirCpuPerCall = cpuMs(theirs) / fixtures.cases;
  log(describePromptfoo("--no-cache", theirs));

  const shape = `${fixtures.cases} cases, 1 model, -j ${settings.concurrency}`;
  const idealNote = `ideal ceil(${fixtures.cases}/${settings.concurrency}) × ${settings.suiteMemberMs} ms`;
  const theirRow: Row = {
    scenario: `single-model suite, promptfoo ${PROMPTFOO_VERSION}: wall`,
    measured: theirs.wallMs,
    ideal,
    unit: "ms",
    target: "report",
    ok: undefined,
    note: `its database on, cache off; ${theirs.maxInFlight} calls in flight at most`
  };
  if (ours === undefined) return [{ ...theirRow, note: `${shape}; ${idealNote}; ${theirRow.note}` }];
  return [
    report(
      "single-model suite, ours: wall",
      ours.wallMs,
      ideal,
      "ms",
      `${shape}, store on; ${idealNote}; ${ours.maxInFlight} calls in flight at most`
    ),
    theirRow,
    report("wall: promptfoo / ours", theirs.wallMs, ours.wallMs, "ms"),
    report("peak RSS: promptfoo / ours", theirs.maxRssMb, ours.maxRssMb, "MB"),
    report("CPU per call: promptfoo / ours", theirCpuPerCall, ours.cpuPerCallMs, "ms/call")
  ];
};

const TARGET_REPLAY_VS_CACHE = 10;
const MAX_FILL_PASSES = 5;

/**
 * The pull-request path of each tool: promptfoo answering from its cache (filled by a first run),
 * against our replay of a cassette with the store on. Neither reaches the network.
 */
export const promptfooCacheComparison = async (
  fake: FakeProcess,
  fixtures: Fixtures,
  settings: Settings,
  ours: RecordedSuite,
  log: (line: string) => void
): Promise<Array<Row>> => {
  const configDir = mkdtempSync(join(tmpdir(), "consortium-bench-promptfoo-cache-"));
  let cached: PromptfooRun;
  try {
    // One run does not always leave a complete cache (some answers of a run at -j 64 are not on disk
    // when it exits), so it is filled again until a run is answered from it alone.
    for (let pass = 1; ; pass++) {
      await fake.scriptAll(instantScripts(singleScripts(settings)));
      const filling = await runPromptfoo(fake, fixtures, settings, configDir, true, "filling its cache");
      log(describePromptfoo(`filling its cache (pass ${pass})`, filling));
      if (filling.calls === 0) break;
      if (pass === MAX_FILL_PASSES) throw new Error(`promptfoo's cache still missed ${filling.calls} calls`);
    }
    await fake.scriptAll({});
    cached = await runPromptfoo(fake, fixtures, settings, configDir, true, "from its cache");
    log(describePromptfoo("from its cache", cached));
  } finally {
    rmSync(configDir, { recursive: true, force: true });
  }
  if (cached.calls !== 0) throw new Error(`promptfoo eval from its cache: ${cached.calls} calls reached the fake`);
  const replay = await replayCassette(fake, ours, "store", settings, "replay-single-store");
  log(describeReplay("single-model suite --replay --db", replay));
  const shape = `${fixtures.cases} cases, 1 model, -j ${settings.concurrency}`;
  return [
    {
      scenario: "replay vs cache: wall, promptfoo from its cache / ours --replay (store on)",
      measured: cached.wallMs,
      ideal: replay.wallMs,
      unit: "ms",
      target: `≥ ${TARGET_REPLAY_VS_CACHE}×`,
      ok: cached.wallMs >= TARGET_REPLAY_VS_CACHE * replay.wallMs,
      note: shape
    },
    report("replay vs cache: CPU, promptfoo from its cache / ours --replay", cpuMs(cached), cpuMs(replay), "ms"),
    report("replay vs cache: peak RSS, promptfoo / ours", cached.maxRssMb, replay.maxRssMb, "MB")
  ];
};

/**
 * Where CPU, not latency, bounds a suite: every call answers in 20 ms, so a tool's throughput is its
 * CPU per call. Reported as model calls per CPU-second (user + sys), ours live with the store on and
 * promptfoo live with its database on and its cache off.
 */
export const cpuBoundComparison = async (
  fake: FakeProcess,
  fixtures: Fixtures,
  settings: Settings,
  log: (line: string) => void
): Promise<Array<Row>> => {
  const fast: Settings = { ...settings, suiteMemberMs: CPU_BOUND_LATENCY_MS };
  const ours = await runEval(
    fake,
    fixtures.singleSuite,
    singleScripts(fast),
    fixtures.cases,
    "store",
    settings,
    "cpu-bound"
  );
  log(describeRun(`single-model suite at ${CPU_BOUND_LATENCY_MS} ms, consortium eval --db`, ours));
  const configDir = mkdtempSync(join(tmpdir(), "consortium-bench-promptfoo-"));
  let theirs: PromptfooRun;
  try {
    await fake.scriptAll(singleScripts(fast));
    theirs = await runPromptfoo(fake, fixtures, settings, configDir, false, "cpu-bound");
  } finally {
    rmSync(configDir, { recursive: true, force: true });
  }
  log(describePromptfoo(`at ${CPU_BOUND_LATENCY_MS} ms --no-cache`, theirs));
  const perCpuSecond = (calls: number, run: Measured): number => calls / (cpuMs(run) / 1000);
  const oursRate = perCpuSecond(ours.calls, ours);
  const theirRate = perCpuSecond(theirs.calls, theirs);
  const note = `${fixtures.cases} cases, 1 model at ${CPU_BOUND_LATENCY_MS} ms, -j ${settings.concurrency}; calls per CPU-second, shown as ms of CPU per call`;
  return [
    report(
      `CPU-bound suite: ours, CPU per call (${oursRate.toFixed(0)} calls per CPU-second)`,
      1000 / oursRate,
      1000 / oursRate,
      "ms/call",
      note
    ),
    report(
      `CPU-bound suite: promptfoo / ours, CPU per call (promptfoo ${theirRate.toFixed(0)} calls per CPU-second)`,
      1000 / theirRate,
      1000 / oursRate,
      "ms/call"
    )
  ];
};

const CPU_BOUND_LATENCY_MS = 20;
