import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type FakeProcess, fakeEnv, type Scripts } from "../fake.js";
import { ARBITER, confidentArbiter, type Fixtures, member, SINGLE, SUITE_MEMBERS } from "../fixtures.js";
import { explainFailure, type Measured, measureNode } from "../measure.js";
import { cliBin } from "../paths.js";
import type { Row } from "../report.js";
import { nodeFlagsFor, type Settings } from "../settings.js";

// Scenarios 3 and 4: a 2,000-case suite on a consortium of 3 members and an arbiter, -j 64 cases in
// flight, without the store and then with it. Every case is one iteration (the arbiter is confident),
// so a case takes member + arbiter latency at best, and -j slots each run their cases one after
// another: the critical path is ceil(cases / j) × (member + arbiter latency).

const TARGET_RATIO = 1.15;
const TARGET_CPU_PER_CALL_MS = 0.3;
const TARGET_RSS_MB = 250;

export interface SuiteMeasurement extends Measured {
  readonly calls: number;
  readonly maxInFlight: number;
  readonly cpuPerCallMs: number;
}

export const consortiumScripts = (settings: Settings): Scripts => ({
  ...Object.fromEntries(SUITE_MEMBERS.map((model) => [model, member(settings.suiteMemberMs)])),
  [ARBITER]: confidentArbiter(settings.suiteArbiterMs)
});

export const singleScripts = (settings: Settings): Scripts => ({ [SINGLE]: member(settings.suiteMemberMs) });

/** Runs `consortium eval` on a suite and checks every case passed and every call was made. */
export const runEval = async (
  fake: FakeProcess,
  suite: string,
  scripts: Scripts,
  expectedCalls: number,
  storage: "no-log" | "store",
  settings: Settings,
  label: string
): Promise<SuiteMeasurement> => {
  const dbDir = mkdtempSync(join(tmpdir(), "consortium-bench-suite-"));
  try {
    await fake.scriptAll(scripts);
    const args = [
      "eval",
      suite,
      "-j",
      String(settings.concurrency),
      ...(storage === "no-log" ? ["--no-log"] : ["--db", join(dbDir, "bench.db")])
    ];
    const measured = await measureNode(cliBin, args, {
      env: fakeEnv(fake),
      cwd: dbDir,
      nodeFlags: nodeFlagsFor(settings, label)
    });
    // exit 0 means every case passed: the threshold is 1
    if (measured.exitCode !== 0) throw explainFailure(`consortium eval (${label})`, measured);
    const stats = await fake.stats();
    if (stats.calls !== expectedCalls) {
      throw new Error(`consortium eval (${label}): expected ${expectedCalls} model calls, the fake saw ${stats.calls}`);
    }
    return {
      ...measured,
      calls: stats.calls,
      maxInFlight: stats.maxInFlight,
      cpuPerCallMs: (measured.userMs + measured.sysMs) / stats.calls
    };
  } finally {
    rmSync(dbDir, { recursive: true, force: true });
  }
};

export const describeRun = (label: string, run: SuiteMeasurement): string =>
  `${label}: ${(run.wallMs / 1000).toFixed(2)} s wall, ${((run.userMs + run.sysMs) / 1000).toFixed(2)} s CPU ` +
  `(${run.userMs.toFixed(0)} user + ${run.sysMs.toFixed(0)} sys ms), ${run.calls} calls, ` +
  `${run.maxInFlight} in flight at most, peak RSS ${run.maxRssMb.toFixed(0)} MB`;

export const consortiumSuite = async (
  fake: FakeProcess,
  fixtures: Fixtures,
  settings: Settings,
  log: (line: string) => void
): Promise<Array<Row>> => {
  const perCase = SUITE_MEMBERS.length + 1;
  const calls = fixtures.cases * perCase;
  const ideal = Math.ceil(fixtures.cases / settings.concurrency) * (settings.suiteMemberMs + settings.suiteArbiterMs);
  const scripts = consortiumScripts(settings);
  const noLog = await runEval(fake, fixtures.consortiumSuite, scripts, calls, "no-log", settings, "suite-no-log");
  log(describeRun("consortium suite --no-log", noLog));
  const stored = await runEval(fake, fixtures.consortiumSuite, scripts, calls, "store", settings, "suite-store");
  log(describeRun("consortium suite --db", stored));

  const shape = `${fixtures.cases} cases × ${perCase} calls, -j ${settings.concurrency}`;
  return [
    {
      scenario: "suite --no-log: wall",
      measured: noLog.wallMs,
      ideal,
      unit: "ms",
      target: `≤ ${TARGET_RATIO}×`,
      ok: noLog.wallMs / ideal <= TARGET_RATIO,
      note: `${shape}; ideal ceil(${fixtures.cases}/${settings.concurrency}) × ${settings.suiteMemberMs + settings.suiteArbiterMs} ms`
    },
    {
      scenario: "suite --no-log: CPU per model call",
      measured: noLog.cpuPerCallMs,
      ideal: TARGET_CPU_PER_CALL_MS,
      unit: "ms/call",
      target: `≤ ${TARGET_CPU_PER_CALL_MS} ms (ratio to it)`,
      ok: noLog.cpuPerCallMs <= TARGET_CPU_PER_CALL_MS,
      note: "user+sys of the whole process / calls"
    },
    {
      scenario: "suite --no-log: peak RSS",
      measured: noLog.maxRssMb,
      ideal: TARGET_RSS_MB,
      unit: "MB",
      target: `≤ ${TARGET_RSS_MB} MB (ratio to it)`,
      ok: noLog.maxRssMb <= TARGET_RSS_MB
    },
    {
      scenario: "suite with the store: wall",
      measured: stored.wallMs,
      ideal,
      unit: "ms",
      target: `≤ ${TARGET_RATIO}×`,
      ok: stored.wallMs / ideal <= TARGET_RATIO
    },
    {
      scenario: "store write cost: wall, store / --no-log",
      measured: stored.wallMs,
      ideal: noLog.wallMs,
      unit: "ms",
      target: "report",
      ok: undefined,
      note: `${(stored.wallMs - noLog.wallMs).toFixed(0)} ms more`
    },
    {
      scenario: "store write cost: CPU per call, store / --no-log",
      measured: stored.cpuPerCallMs,
      ideal: noLog.cpuPerCallMs,
      unit: "ms/call",
      target: `≤ ${TARGET_CPU_PER_CALL_MS} ms with the store`,
      ok: stored.cpuPerCallMs <= TARGET_CPU_PER_CALL_MS,
      note: `+${(stored.cpuPerCallMs - noLog.cpuPerCallMs).toFixed(3)} ms per call`
    },
    {
      scenario: "suite with the store: peak RSS",
      measured: stored.maxRssMb,
      ideal: TARGET_RSS_MB,
      unit: "MB",
      target: `≤ ${TARGET_RSS_MB} MB (ratio to it)`,
      ok: stored.maxRssMb <= TARGET_RSS_MB
    }
  ];
};
