import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FakeProcess, Scripts } from "../fake.js";
import { fakeEnv } from "../fake.js";
import {
  ARBITER,
  confidentArbiter,
  type Fixtures,
  member,
  PROMPT,
  RUN_MEMBER,
  RUN_MEMBERS,
  unsureArbiter
} from "../fixtures.js";
import { explainFailure, median, runProcess } from "../measure.js";
import { cliBin, engineRunBin } from "../paths.js";
import type { Row } from "../report.js";
import { nodeFlagsFor, type Settings } from "../settings.js";

// Scenario 2: one run of 8 member instances, two iterations (the arbiter is unsure, then confident).
// With every member in parallel, the least it can take is iterations × (member + arbiter latency).

const TARGET_RATIO = 1.05;
/** Spawn to exit includes node's own start and loading the CLI: a looser target than the engine's. */
const CLI_TARGET_RATIO = 1.1;
const ITERATIONS = 2;
const CALLS = ITERATIONS * (RUN_MEMBERS + 1);

const scriptsFor = (settings: Settings): Scripts => ({
  [RUN_MEMBER]: member(settings.runMemberMs),
  [ARBITER]: [unsureArbiter(settings.runArbiterMs), confidentArbiter(settings.runArbiterMs)]
});

interface RunJson {
  readonly status: string;
  readonly iterations: ReadonlyArray<unknown>;
  readonly durationMs: number;
}

export const oneRun = async (
  fake: FakeProcess,
  fixtures: Fixtures,
  settings: Settings,
  log: (line: string) => void
): Promise<Array<Row>> => {
  const ideal = ITERATIONS * (settings.runMemberMs + settings.runArbiterMs);
  const scripts = scriptsFor(settings);
  const env = fakeEnv(fake);
  const dbDir = mkdtempSync(join(tmpdir(), "consortium-bench-run-"));
  const cliWall: Array<number> = [];
  const cliEngine: Array<number> = [];
  try {
    for (let repeat = 0; repeat < settings.runRepeats; repeat++) {
      await fake.scriptAll(scripts);
      const args = [
        ...nodeFlagsFor(settings, `run-${repeat + 1}`),
        cliBin,
        "run",
        "--json",
        "--no-stdin",
        "--db",
        join(dbDir, "bench.db"),
        fixtures.runConsortium,
        PROMPT
      ];
      const finished = await runProcess(process.execPath, args, { env, cwd: fixtures.dir });
      if (finished.exitCode !== 0) throw explainFailure("consortium run", finished);
      const result = JSON.parse(finished.stdout) as RunJson;
      const calls = (await fake.stats()).calls;
      if (result.status !== "completed" || result.iterations.length !== ITERATIONS || calls !== CALLS) {
        throw new Error(
          `consortium run: expected ${ITERATIONS} iterations, completed, ${CALLS} calls; got ` +
            `${result.iterations.length}, ${result.status}, ${calls}`
        );
      }
      cliWall.push(finished.wallMs);
      cliEngine.push(result.durationMs);
    }
  } finally {
    rmSync(dbDir, { recursive: true, force: true });
  }

  // one process, runRepeats + 1 runs: the first is cold, the rest warm
  const inProcess = await runProcess(
    process.execPath,
    [engineRunBin, fixtures.runConsortium, PROMPT, String(settings.runRepeats + 1), fake.url, JSON.stringify(scripts)],
    { env, cwd: fixtures.dir }
  );
  if (inProcess.exitCode !== 0) throw explainFailure("in-process engine run", inProcess);
  const { wallMs } = JSON.parse(inProcess.stdout) as { wallMs: Array<number> };
  const cold = wallMs[0]!;
  const warm = median(wallMs.slice(1));
  log(
    `one run: CLI ${cliWall.map((ms) => ms.toFixed(0)).join("/")} ms (engine inside ${cliEngine.join("/")} ms), ` +
      `in-process ${wallMs.map((ms) => ms.toFixed(0)).join("/")} ms`
  );

  const row = (scenario: string, measured: number, note: string, target = TARGET_RATIO): Row => ({
    scenario,
    measured,
    ideal,
    unit: "ms",
    target: `≤ ${target}×`,
    ok: measured / ideal <= target,
    note
  });
  const n = settings.runRepeats;
  return [
    row(
      "one run via the CLI, spawn to exit",
      median(cliWall),
      `8 members, 2 iterations, store on, median of ${n}`,
      CLI_TARGET_RATIO
    ),
    row("one run: the engine inside the CLI", median(cliEngine), "the result's durationMs"),
    row("one run in-process (Promise API), first run", cold, "SDKs load, connections open"),
    row("one run in-process (Promise API), later runs", warm, `median of ${n}`)
  ];
};
