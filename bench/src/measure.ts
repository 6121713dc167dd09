import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { rusageHook } from "./paths.js";

// Runs one node process and measures it from the outside: wall time from spawn to exit, and its CPU
// time and peak RSS from the kernel (GNU time), or from a preloaded hook where GNU time is missing.

export interface Finished {
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly wallMs: number;
}

export interface Measured extends Finished {
  readonly userMs: number;
  readonly sysMs: number;
  readonly maxRssMb: number;
}

export interface SpawnOptions {
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
  /** Extra node flags (e.g. --cpu-prof) put before the script. */
  readonly nodeFlags?: ReadonlyArray<string>;
}

const GNU_TIME = "/usr/bin/time";
export const hasGnuTime = existsSync(GNU_TIME);

/** Spawns and waits; stdin is closed so nothing waits on a terminal. */
export const runProcess = (command: string, args: ReadonlyArray<string>, options: SpawnOptions = {}) =>
  new Promise<Finished>((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, args, { env: options.env ?? process.env, cwd: options.cwd, stdio: "pipe" });
    child.stdin.end();
    const out: Array<Buffer> = [];
    const err: Array<Buffer> = [];
    child.stdout.on("data", (chunk: Buffer) => out.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => err.push(chunk));
    child.on("error", reject);
    child.on("close", (exitCode, signal) =>
      resolve({
        exitCode,
        signal,
        stdout: Buffer.concat(out).toString("utf8"),
        stderr: Buffer.concat(err).toString("utf8"),
        wallMs: performance.now() - started
      })
    );
  });

/** `node <flags> <script> <args>` with its CPU time and peak RSS. */
export const measureNode = async (
  script: string,
  args: ReadonlyArray<string>,
  options: SpawnOptions = {}
): Promise<Measured> => {
  const dir = mkdtempSync(join(tmpdir(), "consortium-bench-rusage-"));
  const file = join(dir, "rusage");
  try {
    const flags = options.nodeFlags ?? [];
    const finished = hasGnuTime
      ? await runProcess(GNU_TIME, ["-f", "%U %S %M", "-o", file, process.execPath, ...flags, script, ...args], options)
      : await runProcess(process.execPath, ["--import", rusageHook, ...flags, script, ...args], {
          ...options,
          env: { ...(options.env ?? process.env), BENCH_RUSAGE_FILE: file }
        });
    const text = existsSync(file) ? readFileSync(file, "utf8").trim() : "";
    return { ...finished, ...(hasGnuTime ? parseGnuTime(text) : parseHook(text)) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};

const parseGnuTime = (text: string) => {
  // GNU time writes "Command exited with non-zero status N" above the format line when it fails
  const line = text.split("\n").at(-1) ?? "";
  const [user, sys, rssKb] = line.split(" ").map(Number);
  return {
    userMs: (user ?? Number.NaN) * 1000,
    sysMs: (sys ?? Number.NaN) * 1000,
    maxRssMb: (rssKb ?? Number.NaN) / 1024
  };
};

const parseHook = (text: string) => {
  if (text === "") return { userMs: Number.NaN, sysMs: Number.NaN, maxRssMb: Number.NaN };
  const usage = JSON.parse(text) as { userMs: number; sysMs: number; maxRssKb: number };
  return { userMs: usage.userMs, sysMs: usage.sysMs, maxRssMb: usage.maxRssKb / 1024 };
};

export const median = (values: ReadonlyArray<number>): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

/** A failed process is a failed benchmark: say what it printed rather than report a bogus number. */
export const explainFailure = (what: string, finished: Finished): Error =>
  new Error(
    `${what} exited with ${finished.exitCode ?? finished.signal}:\n${finished.stderr.trim().slice(-2000) || finished.stdout.trim().slice(-2000)}`
  );
