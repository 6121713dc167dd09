import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type FakeProcess, fakeEnv } from "../fake.js";
import type { Fixtures } from "../fixtures.js";
import { explainFailure, type Measured, measureNode } from "../measure.js";
import { promptfooBin, promptfooDir } from "../paths.js";
import type { Row } from "../report.js";
import type { Settings } from "../settings.js";
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
    return `promptfoo could not be installed: ${error instanceof Error ? error.message.split("\n")[0] : String(error)}`;
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
  let theirs: Measured;
  try {
    await fake.scriptAll(singleScripts(settings));
    theirs = await measureNode(
      promptfooBin,
      [
        "eval",
        "-c",
        fixtures.promptfooConfig,
        "-j",
        String(settings.concurrency),
        "--no-cache",
        "--no-table",
        "--no-progress-bar"
      ],
      { env: promptfooEnv(fake, configDir), cwd: fixtures.dir }
    );
  } finally {
    rmSync(configDir, { recursive: true, force: true });
  }
  if (theirs.exitCode !== 0) throw explainFailure("promptfoo eval", theirs);
  const stats = await fake.stats();
  if (stats.calls !== fixtures.cases) {
    throw new Error(`promptfoo eval: expected ${fixtures.cases} model calls, the fake saw ${stats.calls}`);
  }
  const theirCpuPerCall = (theirs.userMs + theirs.sysMs) / fixtures.cases;
  log(
    `promptfoo eval: ${(theirs.wallMs / 1000).toFixed(2)} s wall, ${((theirs.userMs + theirs.sysMs) / 1000).toFixed(2)} s CPU, ` +
      `${stats.maxInFlight} in flight at most, peak RSS ${theirs.maxRssMb.toFixed(0)} MB`
  );

  const shape = `${fixtures.cases} cases, 1 model, -j ${settings.concurrency}`;
  const idealNote = `ideal ceil(${fixtures.cases}/${settings.concurrency}) × ${settings.suiteMemberMs} ms`;
  const theirRow: Row = {
    scenario: `single-model suite, promptfoo ${PROMPTFOO_VERSION}: wall`,
    measured: theirs.wallMs,
    ideal,
    unit: "ms",
    target: "report",
    ok: undefined,
    note: `its database on, cache off; ${stats.maxInFlight} calls in flight at most`
  };
  if (ours === undefined) return [{ ...theirRow, note: `${shape}; ${idealNote}; ${theirRow.note}` }];
  return [
    {
      scenario: "single-model suite, ours: wall",
      measured: ours.wallMs,
      ideal,
      unit: "ms",
      target: "report",
      ok: undefined,
      note: `${shape}, store on; ${idealNote}; ${ours.maxInFlight} calls in flight at most`
    },
    theirRow,
    {
      scenario: "wall: promptfoo / ours",
      measured: theirs.wallMs,
      ideal: ours.wallMs,
      unit: "ms",
      target: "report",
      ok: undefined
    },
    {
      scenario: "peak RSS: promptfoo / ours",
      measured: theirs.maxRssMb,
      ideal: ours.maxRssMb,
      unit: "MB",
      target: "report",
      ok: undefined
    },
    {
      scenario: "CPU per call: promptfoo / ours",
      measured: theirCpuPerCall,
      ideal: ours.cpuPerCallMs,
      unit: "ms/call",
      target: "report",
      ok: undefined
    }
  ];
};
