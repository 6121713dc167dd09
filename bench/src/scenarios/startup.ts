import { explainFailure, median, runProcess } from "../measure.js";
import { cliBin, repoDir, researchConsortium } from "../paths.js";
import type { Row } from "../report.js";

// Scenario 1: how long the CLI takes to start and exit, above a bare `node -e 0`. Commands run in
// round-robin so a slow patch of the machine hits all of them alike.

const TARGET_ABOVE_NODE_MS = 150;

export const startup = async (rounds: number, log: (line: string) => void): Promise<Array<Row>> => {
  const commands = [
    { name: "node -e 0", args: ["-e", "0"] },
    { name: "consortium --version", args: [cliBin, "--version"] },
    { name: "consortium validate consortia/research.yaml", args: [cliBin, "validate", researchConsortium] }
  ];
  const times = commands.map(() => [] as Array<number>);
  const warmUps = 2;
  for (let round = 0; round < warmUps + rounds; round++) {
    for (const [index, command] of commands.entries()) {
      const finished = await runProcess(process.execPath, command.args, { cwd: repoDir });
      if (finished.exitCode !== 0) throw explainFailure(command.name, finished);
      if (round >= warmUps) times[index]!.push(finished.wallMs);
    }
  }
  const medians = times.map(median);
  const node = medians[0]!;
  log(
    `start-up medians over ${rounds} runs: ${commands.map((c, i) => `${c.name} ${medians[i]!.toFixed(1)} ms`).join(", ")}`
  );
  return commands.slice(1).map((command, index) => {
    const measured = medians[index + 1]!;
    return {
      scenario: `start-up: ${command.name}`,
      measured,
      ideal: node,
      unit: "ms",
      target: `≤ node -e 0 + ${TARGET_ABOVE_NODE_MS} ms`,
      ok: measured - node <= TARGET_ABOVE_NODE_MS,
      note: `+${(measured - node).toFixed(0)} ms, median of ${rounds}`
    } satisfies Row;
  });
};
