import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { iso } from "@consortium/engine";
import type { CaseTargetResult, EvalReport } from "@consortium/eval";
import { evalReportHtml } from "@consortium/view";
import { explainFailure, median, runProcess } from "../measure.js";
import { cliBin, repoDir } from "../paths.js";
import type { Row } from "../report.js";

// Scenario "view": the viewer over a store of 100,000 runs (the runs list, filtered lists, a 3-round
// 8-member run page), and the self-contained HTML report of a 2,000-case × 2-target eval: its size and
// how long Chromium takes to open it, above an empty page.

const RUNS = 100_000;
const REQUESTS = 15;
const PAGE_TARGET_MS = 100;
const REPORT_TARGET_MB = 5;
const OPEN_TARGET_MS = 2000;
const CHROMIUM = process.env.CONSORTIUM_CHROMIUM ?? "/usr/bin/chromium";

// better-sqlite3 is a native addon: loaded from the CLI's dependencies at run time, not bundled.
const Sqlite = createRequire(`${repoDir}packages/cli/package.json`)("better-sqlite3") as new (
  path: string
) => {
  prepare: (sql: string) => { run: (...values: ReadonlyArray<unknown>) => unknown };
  transaction: (work: () => void) => () => void;
  close: () => void;
};

const words = (n: number, seed: number): string =>
  Array.from(
    { length: n },
    (_, i) => ["alpha", "beta", "gamma", "delta", "canberra", "sydney"][(i * 7 + seed) % 6]
  ).join(" ");

/** Rows straight into the tables the CLI created: a realistic store without 100,000 engine runs. */
const seed = (path: string): string => {
  const db = new Sqlite(path);
  // configs are stored once, by content hash; every seeded run shares one
  db.prepare(`insert into configs (key, config_json) values ('k', '{}')`).run();
  const run = db.prepare(
    `insert into runs (id, consortium, status, prompt, config_key, config_hash, iterations, input_tokens, output_tokens,
       cost_usd, started_at, ended_at, duration_ms, synthesis, confidence, pid, hostname, conversation_id)
     values (?, ?, ?, ?, 'k', 'h', ?, 100, 200, 0.01, ?, ?, 12000, ?, 0.9, 1, 'bench', ?)`
  );
  const call = db.prepare(
    `insert into calls (run_id, iteration, role, provider, model, instance, request_json, answer, parsed_json,
       input_tokens, output_tokens, latency_ms, attempts, started_at, ended_at)
     values (?, ?, ?, 'openai', ?, ?, '{}', ?, ?, 300, 600, 1500, 1, ?, ?)`
  );
  const statuses = ["completed", "completed", "completed", "degraded", "failed"];
  const start = Date.UTC(2025, 0, 1);
  const big = "BENCHBIGRUN0000000000000000";
  db.transaction(() => {
    for (let index = 0; index < RUNS; index++) {
      const id = `BENCH${String(index).padStart(22, "0")}`;
      run.run(
        id,
        `consortium-${index % 20}`,
        statuses[index % statuses.length],
        `Question ${index}: ${words(30, index)}`,
        2,
        iso(start + index * 60_000),
        iso(start + index * 60_000 + 12_000),
        words(60, index),
        id
      );
    }
    run.run(
      big,
      "consortium-big",
      "completed",
      "The big one",
      3,
      iso(start - 1),
      iso(start + 40_000),
      words(200, 1),
      big
    );
    for (let round = 1; round <= 3; round++) {
      for (let member = 1; member <= 8; member++) {
        call.run(
          big,
          round,
          "member",
          `model-${member}`,
          1,
          words(250, member + round),
          null,
          iso(start + round * 10_000),
          iso(start + round * 10_000 + member * 500)
        );
      }
      const parsed = JSON.stringify({
        confidence: 0.5 + round * 0.1,
        needsIteration: round < 3,
        refinementAreas: ["x"],
        parsed: true
      });
      call.run(
        big,
        round,
        "arbiter",
        "arbiter",
        0,
        words(300, round),
        parsed,
        iso(start + round * 10_000 + 5000),
        iso(start + round * 10_000 + 9000)
      );
    }
  })();
  db.close();
  return big;
};

const startViewer = (db: string): Promise<{ readonly url: string; readonly child: ChildProcess }> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cliBin, "view", "--db", db, "--port", "0"], {
      stdio: ["ignore", "ignore", "pipe"]
    });
    let stderr = "";
    child.stderr?.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
      const url = stderr.match(/consortium view: (http:\/\/\S+)/)?.[1];
      if (url !== undefined) resolve({ url, child });
    });
    child.once("exit", (code) => reject(new Error(`consortium view exited ${code}: ${stderr}`)));
  });

const timeGet = async (url: string): Promise<number> => {
  const started = performance.now();
  const response = await fetch(url);
  await response.text();
  if (response.status !== 200) throw new Error(`GET ${url}: ${response.status}`);
  return performance.now() - started;
};

const cell = (target: string, index: number): CaseTargetResult => ({
  target,
  pass: index % 7 !== 0,
  output: words(90, index),
  confidence: 0.8,
  latencyMs: 1200,
  usage: { inputTokens: 100, outputTokens: 200 },
  judgeUsage: { inputTokens: 0, outputTokens: 0 },
  costUsd: 0.001,
  runId: null,
  status: "completed",
  error: null,
  replayMisses: [],
  assertions: [{ type: "icontains", pass: index % 7 !== 0, reason: "looked for canberra" }]
});

const bigReport = (cases: number): EvalReport => {
  const targets = ["research", "openai/gpt-4.1-mini"];
  const summary = (target: string) => ({
    target,
    kind: "model" as const,
    total: cases,
    passed: cases,
    passRate: 1,
    meetsThreshold: true,
    meanConfidence: null,
    latencyP50Ms: 1200,
    latencyP95Ms: 1200,
    usage: { inputTokens: 0, outputTokens: 0 },
    judgeUsage: { inputTokens: 0, outputTokens: 0 },
    costUsd: null,
    costComplete: true,
    costPerCaseUsd: null,
    costPerPassUsd: null,
    skipped: 0,
    errors: 0
  });
  return {
    evalId: "BENCH",
    suite: "bench",
    source: null,
    threshold: 0.9,
    shard: null,
    filter: null,
    targets: targets.map(summary),
    cases: Array.from({ length: cases }, (_, index) => ({
      id: `case-${index}`,
      prompt: `Question ${index}: ${words(20, index)}`,
      results: targets.map((target) => cell(target, index))
    })),
    replayMisses: [],
    startedAt: iso(0),
    endedAt: iso(1000),
    durationMs: 1000
  };
};

/** Chromium loading a file to the end of its load event (--dump-dom waits for it), process start included. */
const chromiumOpen = async (file: string, dir: string): Promise<number> => {
  const args = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    `--user-data-dir=${join(dir, "chromium-profile")}`,
    "--dump-dom",
    `file://${file}`
  ];
  const finished = await runProcess(CHROMIUM, args);
  if (finished.exitCode !== 0) throw explainFailure(`chromium ${file}`, finished);
  return finished.wallMs;
};

export const viewScenario = async (dir: string, log: (line: string) => void): Promise<Array<Row>> => {
  const db = join(dir, "view.db");
  const created = await runProcess(process.execPath, [cliBin, "db", "migrate", "--db", db]);
  if (created.exitCode !== 0) throw explainFailure("consortium db migrate (create the store)", created);
  const seeding = performance.now();
  const big = seed(db);
  log(`view: seeded ${RUNS.toLocaleString("en-US")} runs in ${((performance.now() - seeding) / 1000).toFixed(1)} s`);
  const viewer = await startViewer(db);
  const rows: Array<Row> = [];
  try {
    const pages = [
      { name: "runs list", path: "/runs" },
      {
        name: "runs list, page 100",
        path: `/runs?before=${encodeURIComponent(`${iso(Date.UTC(2025, 0, 1) + (RUNS - 5000) * 60_000)}~x`)}`
      },
      { name: "runs list filtered by consortium and status", path: "/runs?consortium=consortium-7&status=failed" },
      { name: "runs list filtered by prompt text", path: "/runs?q=Question%2099999" },
      { name: "3-round 8-member run page", path: `/runs/${big}` }
    ];
    for (const page of pages) {
      const url = new URL(page.path, viewer.url).href;
      for (let warm = 0; warm < 2; warm++) await timeGet(url);
      const times: Array<number> = [];
      for (let index = 0; index < REQUESTS; index++) times.push(await timeGet(url));
      const measured = median(times);
      log(`view: ${page.name}: median ${measured.toFixed(1)} ms over ${REQUESTS}`);
      rows.push({
        scenario: `view: ${page.name} (${RUNS.toLocaleString("en-US")} runs)`,
        measured,
        ideal: measured,
        unit: "ms",
        target: `≤ ${PAGE_TARGET_MS} ms`,
        ok: measured <= PAGE_TARGET_MS,
        note: `median of ${REQUESTS}`
      });
    }
  } finally {
    viewer.child.kill("SIGINT");
  }

  const report = join(dir, "report.html");
  writeFileSync(report, evalReportHtml(bigReport(2000)));
  const megabytes = statSync(report).size / 1_000_000;
  rows.push({
    scenario: "view: HTML report of 2,000 cases × 2 targets, size",
    measured: megabytes,
    ideal: megabytes,
    unit: "MB",
    target: `< ${REPORT_TARGET_MB} MB`,
    ok: megabytes < REPORT_TARGET_MB
  });
  if (!existsSync(CHROMIUM)) {
    log(`view: no Chromium at ${CHROMIUM}; the report's opening time is not measured`);
    return rows;
  }
  const empty = join(dir, "empty.html");
  writeFileSync(empty, "<!doctype html><title>empty</title>");
  const openTimes: Array<number> = [];
  const emptyTimes: Array<number> = [];
  for (let index = 0; index < 3; index++) {
    emptyTimes.push(await chromiumOpen(empty, dir));
    openTimes.push(await chromiumOpen(report, dir));
  }
  const open = median(openTimes);
  const baseline = median(emptyTimes);
  log(`view: Chromium opens the report in ${open.toFixed(0)} ms (an empty page: ${baseline.toFixed(0)} ms)`);
  rows.push({
    scenario: "view: Chromium opens the 2,000-case report",
    measured: open - baseline,
    ideal: 1,
    unit: "ms",
    target: `≤ ${OPEN_TARGET_MS} ms above an empty page`,
    ok: open - baseline <= OPEN_TARGET_MS,
    note: `${open.toFixed(0)} ms, empty page ${baseline.toFixed(0)} ms, median of 3`
  });
  return rows;
};
