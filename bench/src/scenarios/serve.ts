import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { type FakeProcess, fakeEnv } from "../fake.js";
import { ARBITER, confidentArbiter, member, PROMPT, RUN_MEMBER } from "../fixtures.js";
import { cliBin } from "../paths.js";
import type { Row } from "../report.js";

// Scenario: `consortium serve` under load. 200 clients ask at once, 64 run slots: the rest get 429
// with retry-after-ms and come back. The least it can take is ceil(200 / 64) waves of one run
// (member + arbiter latency). Also the server's peak RSS.

const REQUESTS = 200;
const MAX_RUNS = 64;
const MEMBER_MS = 200;
const ARBITER_MS = 50;
const TARGET_RATIO = 1.15;

const readyLine = (child: ReturnType<typeof spawn>): Promise<string> =>
  new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    child.once("exit", (code) => reject(new Error(`consortium serve exited with ${code} before it listened`)));
    lines.once("line", (line) => {
      lines.close();
      resolve(line);
    });
  });

/** VmHWM: the process's peak resident set, from Linux's /proc (undefined elsewhere). */
const peakRssMb = (pid: number): number | undefined => {
  try {
    const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return match === null ? undefined : Number(match[1]) / 1024;
  } catch {
    return undefined;
  }
};

const ask = async (url: string): Promise<{ retries: number; text: string }> => {
  for (let retries = 0; ; retries++) {
    const response = await fetch(`${url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "bench-serve", messages: [{ role: "user", content: PROMPT }] })
    });
    const body = (await response.json()) as { choices?: Array<{ message: { content: string } }> };
    if (response.status === 429) {
      const wait = Number(response.headers.get("retry-after-ms") ?? 1000);
      await new Promise((resolve) => setTimeout(resolve, wait));
      continue;
    }
    if (response.status !== 200) throw new Error(`serve answered ${response.status}: ${JSON.stringify(body)}`);
    return { retries, text: body.choices?.[0]?.message.content ?? "" };
  }
};

export const serveLoad = async (fake: FakeProcess, log: (line: string) => void): Promise<Array<Row>> => {
  const dir = mkdtempSync(join(tmpdir(), "consortium-bench-serve-"));
  mkdirSync(join(dir, "consortia"));
  writeFileSync(
    join(dir, "consortia", "bench-serve.yaml"),
    `name: bench-serve\nmembers: [openai/${RUN_MEMBER}:2]\narbiter: openai/${ARBITER}\nmax_iterations: 1\n`
  );
  await fake.scriptAll({ [RUN_MEMBER]: member(MEMBER_MS), [ARBITER]: confidentArbiter(ARBITER_MS) });
  const child = spawn(
    process.execPath,
    [cliBin, "serve", "--port", "0", "--dir", "consortia", "--no-log", "--quiet", "--max-runs", String(MAX_RUNS)],
    { cwd: dir, env: fakeEnv(fake), stdio: ["ignore", "pipe", "inherit"] }
  );
  try {
    const { listening } = JSON.parse(await readyLine(child)) as { listening: string };
    log(`serve: ${REQUESTS} concurrent requests, --max-runs ${MAX_RUNS}`);
    // one warm-up request, so the first wave does not pay for loading the SDKs
    await ask(listening);
    const started = performance.now();
    const answers = await Promise.all(Array.from({ length: REQUESTS }, () => ask(listening)));
    const wallMs = performance.now() - started;
    if (answers.some((answer) => answer.text === "")) throw new Error("serve: an answer had no synthesis");
    const retries = answers.reduce((sum, answer) => sum + answer.retries, 0);
    const ideal = Math.ceil(REQUESTS / MAX_RUNS) * (MEMBER_MS + ARBITER_MS);
    const rss = peakRssMb(child.pid ?? -1);
    return [
      {
        scenario: `serve: ${REQUESTS} concurrent requests, --max-runs ${MAX_RUNS}`,
        measured: wallMs,
        ideal,
        unit: "ms",
        target: `≤ ${TARGET_RATIO}×`,
        ok: wallMs / ideal <= TARGET_RATIO,
        note: `${retries} retries after 429`
      },
      ...(rss === undefined
        ? []
        : [
            {
              scenario: "serve: peak RSS of the server",
              measured: rss,
              ideal: rss,
              unit: "MB" as const,
              target: "reported",
              ok: undefined
            }
          ])
    ];
  } finally {
    child.kill("SIGTERM");
    await new Promise((resolve) => child.once("exit", resolve));
    rmSync(dir, { recursive: true, force: true });
  }
};
