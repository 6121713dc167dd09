import { type ChildProcess, execFile, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

// Spawns the built CLI (packages/cli/dist/bin.js, built by the global setup) as a server and waits for
// its ready line on stdout: no sleeps, the server says when it listens.

const binPath = fileURLToPath(new URL("../../cli/dist/bin.js", import.meta.url));

export interface Served {
  readonly url: string;
  readonly child: ChildProcess;
  /** Everything written to stderr so far. */
  readonly stderr: () => string;
  /** Resolves with a stderr line matching `pattern`, as soon as one is written. */
  readonly waitForLog: (pattern: RegExp) => Promise<string>;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  readonly stop: () => Promise<void>;
}

export const spawnCli = (args: ReadonlyArray<string>, env: NodeJS.ProcessEnv, cwd?: string) =>
  spawn(process.execPath, [binPath, ...args], {
    ...(cwd === undefined ? {} : { cwd }),
    env: { ...process.env, NO_COLOR: "1", ...env },
    stdio: ["ignore", "pipe", "pipe"]
  });

/** A command that ends by itself (`show --json`): its stdout, or a rejection naming its stderr. */
export const cliOutput = async (args: ReadonlyArray<string>, env: NodeJS.ProcessEnv): Promise<string> =>
  (await promisify(execFile)(process.execPath, [binPath, ...args], { env: { ...process.env, NO_COLOR: "1", ...env } }))
    .stdout;

export const serve = (args: ReadonlyArray<string>, env: NodeJS.ProcessEnv): Promise<Served> =>
  new Promise((resolve, reject) => {
    const child = spawnCli(["serve", "--port", "0", ...args], env);
    let stdout = "";
    let stderr = "";
    const waiters: Array<{ pattern: RegExp; resolve: (line: string) => void }> = [];
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) =>
      child.on("exit", (code, signal) => done({ code, signal }))
    );
    const check = () => {
      for (const waiter of [...waiters]) {
        const line = stderr.split("\n").find((l) => waiter.pattern.test(l));
        if (line !== undefined) {
          waiters.splice(waiters.indexOf(waiter), 1);
          waiter.resolve(line);
        }
      }
    };
    child.stderr?.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
      check();
    });
    child.stdout?.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
      const line = stdout.split("\n").find((l) => l.startsWith("{"));
      if (line === undefined) return;
      const { listening } = JSON.parse(line) as { listening: string };
      resolve({
        url: listening,
        child,
        stderr: () => stderr,
        waitForLog: (pattern) =>
          new Promise((found) => {
            waiters.push({ pattern, resolve: found });
            check();
          }),
        exited,
        stop: async () => {
          if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
          await exited;
        }
      });
    });
    void exited.then(({ code }) => reject(new Error(`serve exited (${code}) before it was ready:\n${stderr}`)));
  });

export const arbiterReply = (text: string, confidence = 0.9): string =>
  `<analysis>fine</analysis>\n<synthesis>${text}</synthesis>\n<dissent>none</dissent>\n` +
  `<confidence>${confidence}</confidence>\n<needs_iteration>false</needs_iteration>\n` +
  "<refinement_areas><area>none</area></refinement_areas>";
