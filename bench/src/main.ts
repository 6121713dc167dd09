import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { messageOf } from "@consortium/config/messageOf";
import { startFake } from "./fake.js";
import { writeFixtures } from "./fixtures.js";
import { hasGnuTime, runProcess } from "./measure.js";
import { cliBin } from "./paths.js";
import { type Row, ratio, renderTable, type Skipped } from "./report.js";
import { peerReviewRun } from "./scenarios/peerReview.js";
import {
  cpuBoundComparison,
  ensurePromptfoo,
  promptfooCacheComparison,
  promptfooComparison
} from "./scenarios/promptfoo.js";
import { replayScenario } from "./scenarios/replay.js";
import { oneRun } from "./scenarios/run.js";
import { serveLoad } from "./scenarios/serve.js";
import { startup } from "./scenarios/startup.js";
import { streamFirstByte } from "./scenarios/streamFirstByte.js";
import { type SuiteMeasurement, suiteNoLog, suiteWithStore } from "./scenarios/suite.js";
import { viewScenario } from "./scenarios/view.js";
import { defaultSettings, type Settings } from "./settings.js";

// `pnpm bench`: every scenario in one go, against the fake LLM server in its own process; progress on
// stderr, the results table (markdown) on stdout. See docs/benchmarks.md.

const SCENARIOS = [
  "startup",
  "run",
  "peer-review",
  "suite",
  "store",
  "replay",
  "promptfoo",
  "cpu",
  "serve",
  "stream",
  "view"
] as const;
type Scenario = (typeof SCENARIOS)[number];

const { values } = parseArgs({
  options: {
    only: { type: "string" },
    cases: { type: "string" },
    quick: { type: "boolean", default: false },
    json: { type: "string" },
    "cpu-prof": { type: "string" },
    help: { type: "boolean", short: "h", default: false }
  }
});

if (values.help) {
  process.stdout.write(
    [
      "usage: pnpm bench [options]",
      `  --only <list>      comma-separated subset of ${SCENARIOS.join(",")}`,
      `  --cases <n>        suite size (default ${defaultSettings.cases})`,
      "  --quick            400 cases, 10 start-up rounds, 1 run repeat: a smoke test, not a measurement",
      "  --json <file>      also write every row as JSON",
      "  --cpu-prof <dir>   write a V8 CPU profile of every consortium process there",
      ""
    ].join("\n")
  );
  process.exit(0);
}

const log = (line: string): void => {
  process.stderr.write(`bench: ${line}\n`);
};

const settings: Settings = {
  ...defaultSettings,
  ...(values.quick ? { cases: 400, startupRounds: 10, runRepeats: 1 } : {}),
  ...(values.cases === undefined ? {} : { cases: Number(values.cases) }),
  cpuProfileDir: values["cpu-prof"] === undefined ? undefined : resolve(values["cpu-prof"])
};
if (settings.cpuProfileDir !== undefined) mkdirSync(settings.cpuProfileDir, { recursive: true });

const selected = new Set<Scenario>(
  values.only === undefined ? SCENARIOS : (values.only.split(",").map((name) => name.trim()) as Array<Scenario>)
);
for (const name of selected) {
  if (!SCENARIOS.includes(name)) throw new Error(`unknown scenario "${name}"; known: ${SCENARIOS.join(", ")}`);
}

/** `run` and `eval` are the lead's; until they exist their scenarios are skipped, not failed. */
const cliCommands = async (): Promise<Set<string>> => {
  const help = await runProcess(process.execPath, [cliBin, "--help"]);
  // "  - run" (@effect/cli's help) or "  run   Run a consortium…" (the CLI's own help)
  return new Set([...help.stdout.matchAll(/^\s+(?:- )?([a-z]+)\b/gm)].map((match) => match[1]!));
};

const main = async (): Promise<void> => {
  if (!existsSync(cliBin)) throw new Error(`${cliBin} is missing: run \`pnpm build\` (pnpm bench does)`);
  const commands = await cliCommands();
  const rows: Array<Row> = [];
  const skipped: Array<Skipped> = [];
  const machine = `${cpus().length} × ${cpus()[0]?.model.trim() ?? "cpu"}, node ${process.version}`;
  log(`${machine}; CPU and RSS from ${hasGnuTime ? "GNU time" : "process.resourceUsage() in the measured process"}`);

  const promptfooProblem =
    selected.has("promptfoo") || selected.has("cpu") || selected.has("replay") ? ensurePromptfoo(log) : undefined;

  if (selected.has("startup")) rows.push(...(await startup(settings.startupRounds, log)));

  const fake = await startFake();
  const dir = mkdtempSync(join(tmpdir(), "consortium-bench-"));
  try {
    const fixtures = writeFixtures(dir, settings.cases, fake.openaiBaseUrl);
    if (selected.has("run")) {
      if (commands.has("run")) rows.push(...(await oneRun(fake, fixtures, settings, log)));
      else skipped.push({ scenario: "one run", reason: "the CLI has no `run` command yet" });
    }
    if (selected.has("peer-review")) rows.push(...(await peerReviewRun(fake, fixtures, settings, log)));
    if (selected.has("serve")) {
      if (commands.has("serve")) rows.push(...(await serveLoad(fake, settings, log)));
      else skipped.push({ scenario: "serve", reason: "the CLI has no `serve` command yet" });
    }
    if (selected.has("stream")) {
      if (commands.has("serve")) rows.push(...(await streamFirstByte(settings, log)));
      else skipped.push({ scenario: "stream", reason: "the CLI has no `serve` command yet" });
    }
    let noLog: SuiteMeasurement | undefined;
    for (const scenario of ["suite", "store"] as const) {
      if (!selected.has(scenario)) continue;
      if (!commands.has("eval")) {
        skipped.push({ scenario, reason: "the CLI has no `eval` command yet" });
      } else if (scenario === "suite") {
        const measured = await suiteNoLog(fake, fixtures, settings, log);
        noLog = measured.run;
        rows.push(...measured.rows);
      } else {
        rows.push(...(await suiteWithStore(fake, fixtures, settings, noLog, log)));
      }
    }
    if (selected.has("replay")) {
      if (commands.has("eval")) {
        const replay = await replayScenario(fake, fixtures, settings, log);
        rows.push(...replay.rows);
        if (promptfooProblem === undefined) {
          rows.push(...(await promptfooCacheComparison(fake, fixtures, settings, replay.single, log)));
        } else skipped.push({ scenario: "promptfoo from its cache", reason: promptfooProblem });
      } else skipped.push({ scenario: "replay", reason: "the CLI has no `eval` command yet" });
    }
    if (selected.has("cpu")) {
      if (!commands.has("eval")) skipped.push({ scenario: "cpu", reason: "the CLI has no `eval` command yet" });
      else if (promptfooProblem !== undefined) skipped.push({ scenario: "cpu", reason: promptfooProblem });
      else rows.push(...(await cpuBoundComparison(fake, fixtures, settings, log)));
    }
    if (selected.has("view")) {
      if (commands.has("view")) rows.push(...(await viewScenario(dir, log)));
      else skipped.push({ scenario: "view", reason: "the CLI has no `view` command yet" });
    }
    if (selected.has("promptfoo")) {
      if (promptfooProblem !== undefined) skipped.push({ scenario: "promptfoo", reason: promptfooProblem });
      else rows.push(...(await promptfooComparison(fake, fixtures, settings, commands.has("eval"), log)));
      if (!commands.has("eval")) {
        skipped.push({ scenario: "single-model suite, ours", reason: "the CLI has no `eval` command yet" });
      }
    }
  } finally {
    await fake.close();
    rmSync(dir, { recursive: true, force: true });
  }

  const header = [
    `Latencies: one run members ${settings.runMemberMs} ms, arbiter ${settings.runArbiterMs} ms; ` +
      `suites members ${settings.suiteMemberMs} ms, arbiter ${settings.suiteArbiterMs} ms; ` +
      `${settings.cases} cases at -j ${settings.concurrency}.`,
    `Machine: ${machine}.`,
    ""
  ];
  const footer = skipped.map((skip) => `- skipped ${skip.scenario}: ${skip.reason}`);
  process.stdout.write(`${[...header, renderTable(rows), ...(footer.length > 0 ? ["", ...footer] : [])].join("\n")}\n`);
  if (values.json !== undefined) {
    writeFileSync(
      values.json,
      `${JSON.stringify({ machine, settings, rows: rows.map((row) => ({ ...row, ratio: ratio(row) })), skipped }, null, 2)}\n`
    );
  }
  const missed = rows.filter((row) => row.ok === false);
  if (missed.length > 0) log(`missed targets: ${missed.map((row) => row.scenario).join("; ")}`);
};

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${messageOf(error)}\n`);
  process.exit(1);
});
