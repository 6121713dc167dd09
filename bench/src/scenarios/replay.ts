import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Reply } from "@consortium/testkit";
import { type FakeProcess, fakeEnv, type Scripts } from "../fake.js";
import type { Fixtures } from "../fixtures.js";
import { explainFailure, type Measured, measureNode } from "../measure.js";
import { cliBin } from "../paths.js";
import type { Row } from "../report.js";
import { nodeFlagsFor, type Settings } from "../settings.js";
import { consortiumScripts, singleScripts } from "./suite.js";

// The path every pull request takes: a suite answered from a cassette. A replay reads one file and
// writes the store; no network. So its floor is process start-up plus the work per call, and the
// numbers here are CPU per model call (user + sys of the whole process over the calls it answered),
// which stays meaningful on a loaded machine where wall time does not.

const TARGET_REPLAY_CPU_PER_CALL_MS = 0.5;
const TARGET_REPLAY_NO_LOG_CPU_PER_CALL_MS = 0.25;
const TARGET_DB_TO_CASSETTE = 2;

export interface ReplayMeasurement extends Measured {
  readonly calls: number;
  readonly cpuPerCallMs: number;
  readonly dbBytes: number;
}

export interface RecordedSuite {
  readonly suite: string;
  readonly cassette: string;
  readonly calls: number;
}

const cpuOf = (run: Measured): number => run.userMs + run.sysMs;

/** The same replies with no latency: a recording needs the answers, not the wait. */
export const instantScripts = (scripts: Scripts): Scripts =>
  Object.fromEntries(
    Object.entries(scripts).map(([model, reply]) => [
      model,
      Array.isArray(reply) ? reply.map((one: Reply) => ({ ...one, latencyMs: 0 })) : { ...reply, latencyMs: 0 }
    ])
  );

/** Records `suite` live against the fake (no latency: only the answers matter) into a cassette. */
export const recordCassette = async (
  fake: FakeProcess,
  dir: string,
  suite: string,
  scripts: Scripts,
  calls: number,
  settings: Settings,
  label: string
): Promise<RecordedSuite> => {
  const cassette = join(dir, `${label}.cassette.jsonl`);
  await fake.scriptAll(instantScripts(scripts));
  const recorded = await measureNode(
    cliBin,
    ["eval", "-j", String(settings.concurrency), "--no-log", "--record", cassette, suite],
    { env: fakeEnv(fake), cwd: dir }
  );
  if (recorded.exitCode !== 0) throw explainFailure(`consortium eval --record (${label})`, recorded);
  const stats = await fake.stats();
  if (stats.calls !== calls) {
    throw new Error(`consortium eval --record (${label}): expected ${calls} calls, the fake saw ${stats.calls}`);
  }
  return { suite, cassette, calls };
};

/** Replays a recorded suite with the fake told to fail, so any call that reaches it fails the case. */
export const replayCassette = async (
  fake: FakeProcess,
  recorded: RecordedSuite,
  storage: "no-log" | "store",
  settings: Settings,
  label: string
): Promise<ReplayMeasurement> => {
  const dbDir = mkdtempSync(join(tmpdir(), "consortium-bench-replay-"));
  try {
    await fake.scriptAll({});
    const db = join(dbDir, "bench.db");
    const args = [
      "eval",
      "-j",
      String(settings.concurrency),
      ...(storage === "no-log" ? ["--no-log"] : ["--db", db]),
      "--replay",
      recorded.cassette,
      recorded.suite
    ];
    const measured = await measureNode(cliBin, args, {
      env: fakeEnv(fake),
      cwd: dbDir,
      nodeFlags: nodeFlagsFor(settings, label)
    });
    if (measured.exitCode !== 0) throw explainFailure(`consortium eval --replay (${label})`, measured);
    const stats = await fake.stats();
    if (stats.calls !== 0) throw new Error(`consortium eval --replay (${label}): the fake saw ${stats.calls} calls`);
    const dbBytes =
      storage === "no-log"
        ? 0
        : ["", "-wal"].reduce((sum, suffix) => {
            try {
              return sum + statSync(`${db}${suffix}`).size;
            } catch {
              return sum;
            }
          }, 0);
    return { ...measured, calls: recorded.calls, cpuPerCallMs: cpuOf(measured) / recorded.calls, dbBytes };
  } finally {
    rmSync(dbDir, { recursive: true, force: true });
  }
};

export const describeReplay = (label: string, run: ReplayMeasurement): string =>
  `${label}: ${(run.wallMs / 1000).toFixed(2)} s wall, ${(cpuOf(run) / 1000).toFixed(2)} s CPU ` +
  `(${run.userMs.toFixed(0)} user + ${run.sysMs.toFixed(0)} sys ms), ${run.calls} calls, ` +
  `${run.cpuPerCallMs.toFixed(3)} ms CPU per call, peak RSS ${run.maxRssMb.toFixed(0)} MB` +
  (run.dbBytes > 0 ? `, database ${(run.dbBytes / 1e6).toFixed(1)} MB` : "");

/** Both suites recorded once, then replayed without and with the store. */
export const replayScenario = async (
  fake: FakeProcess,
  fixtures: Fixtures,
  settings: Settings,
  log: (line: string) => void
): Promise<{ readonly rows: Array<Row>; readonly single: RecordedSuite }> => {
  const single = await recordCassette(
    fake,
    fixtures.dir,
    fixtures.singleSuite,
    singleScripts(settings),
    fixtures.cases,
    settings,
    "single"
  );
  const consortium = await recordCassette(
    fake,
    fixtures.dir,
    fixtures.consortiumSuite,
    consortiumScripts(settings),
    fixtures.cases * 4,
    settings,
    "consortium"
  );
  const cassetteBytes = statSync(consortium.cassette).size;
  const rows: Array<Row> = [];
  for (const storage of ["no-log", "store"] as const) {
    const run = await replayCassette(fake, consortium, storage, settings, `replay-consortium-${storage}`);
    log(describeReplay(`consortium suite --replay ${storage === "no-log" ? "--no-log" : "--db"}`, run));
    const target = storage === "no-log" ? TARGET_REPLAY_NO_LOG_CPU_PER_CALL_MS : TARGET_REPLAY_CPU_PER_CALL_MS;
    rows.push({
      scenario: `replay, consortium suite${storage === "no-log" ? " --no-log" : " with the store"}: CPU per model call`,
      measured: run.cpuPerCallMs,
      ideal: target,
      unit: "ms/call",
      target: `≤ ${target} ms (ratio to it)`,
      ok: run.cpuPerCallMs <= target,
      note: `${fixtures.cases} cases × 4 calls, -j ${settings.concurrency}; user+sys / calls, start-up included`
    });
    if (storage === "store") {
      rows.push({
        scenario: "replay, consortium suite with the store: database size / cassette size",
        measured: run.dbBytes / 1e6,
        ideal: cassetteBytes / 1e6,
        unit: "MB",
        target: `≤ ${TARGET_DB_TO_CASSETTE}×`,
        ok: run.dbBytes <= TARGET_DB_TO_CASSETTE * cassetteBytes,
        note: `${run.calls} call rows`
      });
    }
  }
  return { rows, single };
};
