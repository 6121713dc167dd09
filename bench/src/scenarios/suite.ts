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
      "-j",
      String(settings.concurrency),
      ...(storage === "no-log" ? ["--no-log"] : ["--db", join(dbDir, "bench.db")]),
      suite
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

interface SuitePlan {
  readonly calls: number;
  readonly ideal: number;
  readonly shape: string;
  readonly scripts: Scripts;
}

const planOf = (fixtures: Fixtures, settings: Settings): SuitePlan => {
  const perCase = SUITE_MEMBERS.length + 1;
  const latency = settings.suiteMemberMs + settings.suiteArbiterMs;
  return {
    calls: fixtures.cases * perCase,
    ideal: Math.ceil(fixtures.cases / settings.concurrency) * latency,
    shape:
      `${fixtures.cases} cases × ${perCase} calls, -j ${settings.concurrency}; ` +
      `ideal ceil(${fixtures.cases}/${settings.concurrency}) × ${latency} ms`,
    scripts: consortiumScripts(settings)
  };
};

const cpuRow = (scenario: string, run: SuiteMeasurement): Row => ({
  scenario,
  measured: run.cpuPerCallMs,
  ideal: TARGET_CPU_PER_CALL_MS,
  unit: "ms/call",
  target: `≤ ${TARGET_CPU_PER_CALL_MS} ms (ratio to it)`,
  ok: run.cpuPerCallMs <= TARGET_CPU_PER_CALL_MS,
  note: "user+sys of the whole process / calls"
});

const rssRow = (scenario: string, run: SuiteMeasurement): Row => ({
  scenario,
  measured: run.maxRssMb,
  ideal: TARGET_RSS_MB,
  unit: "MB",
  target: `≤ ${TARGET_RSS_MB} MB (ratio to it)`,
  ok: run.maxRssMb <= TARGET_RSS_MB
});

const wallRow = (scenario: string, run: SuiteMeasurement, plan: SuitePlan, note?: string): Row => ({
  scenario,
  measured: run.wallMs,
  ideal: plan.ideal,
  unit: "ms",
  target: `≤ ${TARGET_RATIO}×`,
  ok: run.wallMs / plan.ideal <= TARGET_RATIO,
  ...(note === undefined ? {} : { note })
});

/** Scenario 3: the consortium suite without the store. */
export const suiteNoLog = async (
  fake: FakeProcess,
  fixtures: Fixtures,
  settings: Settings,
  log: (line: string) => void
): Promise<{ readonly rows: Array<Row>; readonly run: SuiteMeasurement }> => {
  const plan = planOf(fixtures, settings);
  const run = await runEval(
    fake,
    fixtures.consortiumSuite,
    plan.scripts,
    plan.calls,
    "no-log",
    settings,
    "suite-no-log"
  );
  log(describeRun("consortium suite --no-log", run));
  return {
    run,
    rows: [
      wallRow("suite --no-log: wall", run, plan, plan.shape),
      cpuRow("suite --no-log: CPU per model call", run),
      rssRow("suite --no-log: peak RSS", run)
    ]
  };
};

/** Scenario 4: the same suite recording to a fresh database, against the --no-log run when there is one. */
export const suiteWithStore = async (
  fake: FakeProcess,
  fixtures: Fixtures,
  settings: Settings,
  noLog: SuiteMeasurement | undefined,
  log: (line: string) => void
): Promise<Array<Row>> => {
  const plan = planOf(fixtures, settings);
  const run = await runEval(fake, fixtures.consortiumSuite, plan.scripts, plan.calls, "store", settings, "suite-store");
  log(describeRun("consortium suite --db", run));
  const rows = [
    wallRow("suite with the store: wall", run, plan, noLog === undefined ? plan.shape : undefined),
    cpuRow("suite with the store: CPU per model call", run),
    rssRow("suite with the store: peak RSS", run)
  ];
  if (noLog === undefined) return rows;
  return [
    ...rows,
    {
      scenario: "store write cost: wall, store / --no-log",
      measured: run.wallMs,
      ideal: noLog.wallMs,
      unit: "ms",
      target: "report",
      ok: undefined,
      note: `${((run.wallMs - noLog.wallMs) / 1000).toFixed(1)} s more`
    },
    {
      scenario: "store write cost: CPU per call, store / --no-log",
      measured: run.cpuPerCallMs,
      ideal: noLog.cpuPerCallMs,
      unit: "ms/call",
      target: "report",
      ok: undefined,
      note: `+${(run.cpuPerCallMs - noLog.cpuPerCallMs).toFixed(3)} ms per call`
    }
  ];
};
