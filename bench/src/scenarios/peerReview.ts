import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FakeProcess, Scripts } from "../fake.js";
import { fakeEnv } from "../fake.js";
import { ARBITER, confidentArbiter, type Fixtures, member, PROMPT } from "../fixtures.js";
import { explainFailure, median, runProcess } from "../measure.js";
import { cliBin } from "../paths.js";
import type { Row } from "../report.js";
import { nodeFlagsFor, type Settings } from "../settings.js";

// One peer-review round of 4 instances: the members answer in parallel, then review in parallel, then
// the arbiter synthesises. The least it can take is member + review + arbiter latency.

const TARGET_RATIO = 1.1;
const INSTANCES = 4;
const CALLS = INSTANCES * 2 + 1;
const REVIEWER = "bench-reviewer";
const RANKING = `<ranking>${Array.from({ length: INSTANCES }, (_, i) => `<rank>Response ${i + 1}</rank>`).join("")}</ranking>`;

interface RunJson {
  readonly status: string;
  readonly iterations: ReadonlyArray<{ readonly reviews?: ReadonlyArray<unknown> }>;
}

export const peerReviewRun = async (
  fake: FakeProcess,
  fixtures: Fixtures,
  settings: Settings,
  log: (line: string) => void
): Promise<Array<Row>> => {
  const ideal = 2 * settings.runMemberMs + settings.runArbiterMs;
  const file = join(fixtures.dir, "bench-peer-review.yaml");
  writeFileSync(
    file,
    [
      "name: bench-peer-review",
      "judging: peer-review",
      `members: [openai/${REVIEWER}:${INSTANCES}]`,
      `arbiter: openai/${ARBITER}`,
      "max_iterations: 1",
      ""
    ].join("\n")
  );
  // One model answers first and reviews after: the fake replies in call order, the last reply repeating.
  const scripts: Scripts = {
    [REVIEWER]: [
      ...Array.from({ length: INSTANCES }, () => member(settings.runMemberMs)),
      { text: RANKING, latencyMs: settings.runMemberMs }
    ],
    [ARBITER]: confidentArbiter(settings.runArbiterMs)
  };
  const dbDir = mkdtempSync(join(tmpdir(), "consortium-bench-peer-"));
  const wall: Array<number> = [];
  try {
    for (let repeat = 0; repeat < settings.runRepeats; repeat++) {
      await fake.scriptAll(scripts);
      const args = [
        ...nodeFlagsFor(settings, `peer-review-${repeat + 1}`),
        cliBin,
        "run",
        "--json",
        "--no-stdin",
        "--db",
        join(dbDir, "bench.db"),
        file,
        PROMPT
      ];
      const finished = await runProcess(process.execPath, args, { env: fakeEnv(fake), cwd: fixtures.dir });
      if (finished.exitCode !== 0) throw explainFailure("consortium run (peer-review)", finished);
      const result = JSON.parse(finished.stdout) as RunJson;
      const calls = (await fake.stats()).calls;
      if (result.status !== "completed" || result.iterations[0]?.reviews?.length !== INSTANCES || calls !== CALLS) {
        throw new Error(
          `peer-review run: expected completed, ${INSTANCES} reviews, ${CALLS} calls; got ${result.status}, ` +
            `${result.iterations[0]?.reviews?.length ?? 0}, ${calls}`
        );
      }
      wall.push(finished.wallMs);
    }
  } finally {
    rmSync(dbDir, { recursive: true, force: true });
  }
  log(`peer-review run: ${wall.map((ms) => ms.toFixed(0)).join("/")} ms`);
  const measured = median(wall);
  return [
    {
      scenario: "peer-review run via the CLI, spawn to exit",
      measured,
      ideal,
      unit: "ms",
      target: `≤ ${TARGET_RATIO}×`,
      ok: measured / ideal <= TARGET_RATIO,
      note: `${INSTANCES} instances, 1 round: members, reviews, arbiter; median of ${settings.runRepeats}`
    }
  ];
};
