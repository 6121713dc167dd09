import { type ChildProcess, spawn } from "node:child_process";
import { createInterface } from "node:readline";
import type { FakeStats, Reply } from "@consortium/testkit";
import { fakeBin } from "./paths.js";

// The fake LLM server in its own process (its CPU is not ours), driven over its control endpoints.

export interface FakeProcess {
  readonly url: string;
  readonly openaiBaseUrl: string;
  readonly pid: number;
  /** Forgets scripts and stats, then scripts each model: sequences count from here. */
  scriptAll(scripts: Scripts): Promise<void>;
  stats(): Promise<FakeStats>;
  close(): Promise<void>;
}

export type Scripts = Readonly<Record<string, Reply | ReadonlyArray<Reply>>>;

const post = async (url: string, body?: unknown): Promise<void> => {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: body === undefined ? "" : JSON.stringify(body)
  });
  if (!response.ok) throw new Error(`fake LLM control ${url}: HTTP ${response.status} ${await response.text()}`);
  await response.arrayBuffer();
};

/** Forgets scripts and stats, then scripts each model (also used by the in-process engine run). */
export const scriptFake = async (url: string, scripts: Scripts): Promise<void> => {
  await post(`${url}/_fake/reset`);
  for (const [model, script] of Object.entries(scripts)) await post(`${url}/_fake/script`, { model, script });
};

const firstLine = (child: ChildProcess): Promise<string> =>
  new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    child.once("exit", (code) => reject(new Error(`fake LLM exited with ${code} before it listened`)));
    lines.once("line", (line) => {
      lines.close();
      resolve(line);
    });
  });

export const startFake = async (): Promise<FakeProcess> => {
  // "record": false keeps the fake's memory flat over thousands of calls
  const child = spawn(process.execPath, [fakeBin], {
    env: { ...process.env, FAKE_LLM_OPTIONS: JSON.stringify({ record: false }) },
    stdio: ["ignore", "pipe", "inherit"]
  });
  const { url, openaiBaseUrl } = JSON.parse(await firstLine(child)) as { url: string; openaiBaseUrl: string };
  child.stdout?.resume();
  return {
    url,
    openaiBaseUrl,
    pid: child.pid ?? -1,
    scriptAll: (scripts) => scriptFake(url, scripts),
    stats: async () => (await (await fetch(`${url}/_fake/stats`)).json()) as FakeStats,
    close: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      })
  };
};

/** What a spawned CLI (or any OpenAI client reading its environment) needs to talk to the fake. */
export const fakeEnv = (fake: FakeProcess): NodeJS.ProcessEnv => ({
  ...process.env,
  OPENAI_BASE_URL: fake.openaiBaseUrl,
  OPENAI_API_KEY: "sk-bench-fake",
  ANTHROPIC_BASE_URL: fake.url,
  ANTHROPIC_API_KEY: "sk-ant-bench-fake",
  NO_COLOR: "1"
});
