import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { type FakeProcess, fakeEnv } from "../fake.js";
import { ARBITER, confidentArbiter, member, PROMPT, RUN_MEMBER } from "../fixtures.js";
import { cliBin, floorBin } from "../paths.js";
import type { Row } from "../report.js";
import type { Settings } from "../settings.js";

// Scenario: `consortium serve` under load. 200 clients ask at once, 64 run slots: the rest wait in the
// server's line (the default --max-queue, 4 × --max-runs, holds them all); a client told 429 would come
// back after retry-after-ms. The least it could take is ceil(200 / 64) waves of one run (member +
// arbiter latency), but the 200 clients and the fake share the machine's cores with the server and
// cost time of their own. So the same bursts also go through the floor (serveFloor.ts: a server doing
// only the run's three HTTP calls), and `serve` is judged by its time over the floor's: what it adds.
// Also the server's peak RSS and the CPU of each process during the burst.

const REQUESTS = 200;
const MAX_RUNS = 64;
const MEMBER_MS = 200;
const ARBITER_MS = 50;
const TARGET_RATIO = 1.15;

/**
 * --cpu-prof for a server with threads: a folder of its own and node's own file names, which carry
 * the thread id, so the run and writer threads write their profiles beside the main thread's (one
 * fixed name would have every thread overwrite the same file).
 */
const threadProfileFlags = (settings: Settings, label: string): Array<string> =>
  settings.cpuProfileDir === undefined ? [] : ["--cpu-prof", "--cpu-prof-dir", join(settings.cpuProfileDir, label)];

/** serve's first stdout line, `{"listening": …}`, once it listens. */
export const readyLine = (child: ReturnType<typeof spawn>): Promise<string> =>
  new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    child.once("exit", (code) => reject(new Error(`consortium serve exited with ${code} before it listened`)));
    lines.once("line", (line) => {
      lines.close();
      resolve(line);
    });
  });

/** The process's user and sys CPU so far in ms, from Linux's /proc (clock ticks of 10 ms; undefined elsewhere). */
const cpuMs = (pid: number, thread?: number): { user: number; sys: number } | undefined => {
  try {
    const stat = thread === undefined ? `/proc/${pid}/stat` : `/proc/${pid}/task/${thread}/stat`;
    // the fields after the command name, which is in parentheses and may hold spaces
    const fields = readFileSync(stat, "utf8").split(") ")[1]?.split(" ") ?? [];
    const user = Number(fields[11]) * 10;
    const sys = Number(fields[12]) * 10;
    return Number.isFinite(user) && Number.isFinite(sys) ? { user, sys } : undefined;
  } catch {
    return undefined;
  }
};

/** CPU between two readings: the total, and how much of it the kernel spent for the process (sockets, files). */
const cpuBetween = (before: { user: number; sys: number }, after: { user: number; sys: number }): string =>
  `${after.user + after.sys - before.user - before.sys} ms (sys ${after.sys - before.sys})`;

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

/** 200 requests at once, every one answered; the CPU of the three processes sharing the cores meanwhile. */
const burst = async (url: string, fakePid: number, serverPid: number) => {
  const serverBefore = cpuMs(serverPid);
  // the thread that handles requests and runs the runs (its id is the process's): the bottleneck
  const mainBefore = cpuMs(serverPid, serverPid);
  const fakeBefore = cpuMs(fakePid);
  const clientBefore = process.cpuUsage();
  const started = performance.now();
  const answered: Array<number> = [];
  const answers = await Promise.all(
    Array.from({ length: REQUESTS }, () =>
      ask(url).then((answer) => {
        answered.push(performance.now() - started);
        return answer;
      })
    )
  );
  const wallMs = performance.now() - started;
  const client = process.cpuUsage(clientBefore);
  const serverAfter = cpuMs(serverPid);
  const mainAfter = cpuMs(serverPid, serverPid);
  const fakeAfter = cpuMs(fakePid);
  if (answers.some((answer) => answer.text === "")) throw new Error("serve: an answer had no synthesis");
  const retries = answers.reduce((sum, answer) => sum + answer.retries, 0);
  const cpu =
    serverBefore === undefined || serverAfter === undefined || fakeBefore === undefined || fakeAfter === undefined
      ? ""
      : `; CPU: server ${cpuBetween(serverBefore, serverAfter)}` +
        (mainBefore === undefined || mainAfter === undefined
          ? ""
          : ` of which main thread ${cpuBetween(mainBefore, mainAfter)}`) +
        `, fake ${cpuBetween(fakeBefore, fakeAfter)}, ` +
        `clients ${Math.round((client.user + client.system) / 1000)} ms`;
  // when each wave of --max-runs answers had all come back (ideally every member + arbiter latency):
  // where the time above the ideal is lost
  const waves = Array.from({ length: Math.ceil(REQUESTS / MAX_RUNS) }, (_, wave) =>
    Math.round(answered[Math.min(REQUESTS, (wave + 1) * MAX_RUNS) - 1] ?? 0)
  );
  return {
    wallMs,
    note: `default --max-queue, ${retries} retries after 429; waves answered by ${waves.join(" / ")} ms${cpu}`
  };
};

/** A server the scenario measures: `consortium serve` with a store (a fresh one) or without, or the floor. */
interface Server {
  readonly name: string;
  readonly args: (dir: string, settings: Settings) => Array<string>;
}

const serveArgs = (settings: Settings, label: string, store: Array<string>): Array<string> => [
  ...threadProfileFlags(settings, label),
  cliBin,
  "serve",
  "--port",
  "0",
  "--dir",
  "consortia",
  ...store,
  "--quiet",
  "--max-runs",
  String(MAX_RUNS)
];

const STORE_ON: Server = {
  name: "store on",
  args: (dir, settings) => serveArgs(settings, "serve-storeon", ["--db", join(dir, "runs.db")])
};
const NO_LOG: Server = { name: "--no-log", args: (_, settings) => serveArgs(settings, "serve-nolog", ["--no-log"]) };
const FLOOR: Server = { name: "floor", args: () => [floorBin, String(MAX_RUNS), RUN_MEMBER, ARBITER] };

const STATES = ["fresh server", "second burst"] as const;

interface Measured {
  readonly server: Server;
  /** One per state: a server just started (its code still being compiled), then the same server warmed by that burst. */
  readonly bursts: ReadonlyArray<{ readonly wallMs: number; readonly note: string }>;
  readonly peakRssMb: number | undefined;
}

/** Starts `server`, sends one warm-up request, then a burst per state. */
const measure = async (fake: FakeProcess, settings: Settings, dir: string, server: Server): Promise<Measured> => {
  const child = spawn(process.execPath, server.args(dir, settings), {
    cwd: dir,
    env: fakeEnv(fake),
    stdio: ["ignore", "pipe", "inherit"]
  });
  try {
    const { listening } = JSON.parse(await readyLine(child)) as { listening: string };
    // one warm-up request, so the first wave does not pay for loading the SDKs
    await ask(listening);
    const bursts = [];
    for (const _ of STATES) bursts.push(await burst(listening, fake.pid, child.pid ?? -1));
    return { server, bursts, peakRssMb: peakRssMb(child.pid ?? -1) };
  } finally {
    child.kill("SIGTERM");
    await new Promise((resolve) => child.once("exit", resolve));
  }
};

export const serveLoad = async (
  fake: FakeProcess,
  settings: Settings,
  log: (line: string) => void
): Promise<Array<Row>> => {
  const dir = mkdtempSync(join(tmpdir(), "consortium-bench-serve-"));
  mkdirSync(join(dir, "consortia"));
  writeFileSync(
    join(dir, "consortia", "bench-serve.yaml"),
    `name: bench-serve\nmembers: [openai/${RUN_MEMBER}:2]\narbiter: openai/${ARBITER}\nmax_iterations: 1\n`
  );
  await fake.scriptAll({ [RUN_MEMBER]: member(MEMBER_MS), [ARBITER]: confidentArbiter(ARBITER_MS) });
  try {
    // A throw-away round through the floor first: the clients' and the fake's code is then as warm
    // for the first server measured as for the last.
    await measure(fake, settings, dir, FLOOR);
    const measured: Array<Measured> = [];
    for (const server of [STORE_ON, NO_LOG, FLOOR]) {
      log(`serve (${server.name}): ${REQUESTS} concurrent requests, --max-runs ${MAX_RUNS}`);
      measured.push(await measure(fake, settings, dir, server));
    }
    const ideal = Math.ceil(REQUESTS / MAX_RUNS) * (MEMBER_MS + ARBITER_MS);
    const floor = measured.find((entry) => entry.server === FLOOR) as Measured;
    const rows: Array<Row> = [];
    for (const { server, bursts, peakRssMb: rss } of measured) {
      bursts.forEach(({ wallMs, note }, index) => {
        const state = STATES[index];
        if (server === FLOOR) {
          rows.push({
            scenario: `serve floor (a server making only the run's HTTP calls): the same burst, ${state}`,
            measured: wallMs,
            ideal,
            unit: "ms",
            target: "reported",
            ok: undefined,
            note
          });
          return;
        }
        const floorMs = floor.bursts[index]?.wallMs ?? ideal;
        // The target is a server's steady state: its first burst after start also pays once for V8
        // compiling the run path (about a quarter more CPU than the same burst warm), and is reported.
        const judged = state === "second burst";
        rows.push({
          scenario: `serve: ${REQUESTS} concurrent requests, --max-runs ${MAX_RUNS}, ${server.name}, ${state}, over the floor`,
          measured: wallMs,
          ideal: floorMs,
          unit: "ms",
          target: judged ? `≤ ${TARGET_RATIO}×` : "reported",
          ok: judged ? wallMs / floorMs <= TARGET_RATIO : undefined,
          note: `--quiet, ${(wallMs / ideal).toFixed(3)}× the ${ideal} ms of latency alone; ${note}`
        });
      });
      if (rss !== undefined && server !== FLOOR) {
        rows.push({
          scenario: `serve: peak RSS of the server, ${server.name}`,
          measured: rss,
          ideal: rss,
          unit: "MB",
          target: "reported",
          ok: undefined
        });
      }
    }
    return rows;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};
