import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

// Runs the built binary (packages/cli/dist/bin.js, built by the global setup) as a user would.

export const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));
export const binPath = fileURLToPath(new URL("../dist/bin.js", import.meta.url));

export interface Run {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

export const consortium = (
  args: ReadonlyArray<string>,
  options: {
    readonly cwd?: string;
    readonly env?: NodeJS.ProcessEnv;
    readonly whileRunning?: (pid: number) => void;
    /** Kills the command (SIGKILL) if it still runs after this long: a test of a hang fails instead. */
    readonly killAfterMs?: number;
    /** Piped to standard input; without it stdin is closed (/dev/null). */
    readonly input?: string;
    /** Another script to run in place of dist/bin.js (a copy of the bundle). */
    readonly bin?: string;
    /** Runs as this account (the test must be root to ask for another). */
    readonly user?: { readonly uid: number; readonly gid: number };
  } = {}
): Promise<Run> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [options.bin ?? binPath, ...args], {
      cwd: options.cwd ?? repoRoot,
      env: { ...process.env, NO_COLOR: "1", ...options.env },
      stdio: [options.input === undefined ? "ignore" : "pipe", "pipe", "pipe"],
      ...options.user
    });
    if (options.input !== undefined) child.stdin?.end(options.input);
    let stdout = "";
    let stderr = "";
    child.stdout?.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr?.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on("error", reject);
    const guard =
      options.killAfterMs === undefined ? undefined : setTimeout(() => child.kill("SIGKILL"), options.killAfterMs);
    child.on("close", (code, signal) => {
      clearTimeout(guard);
      resolve({ code, signal, stdout, stderr });
    });
    if (child.pid !== undefined) options.whileRunning?.(child.pid);
  });

/** A line of a JavaScript stack trace; the CLI must never print one for bad input. */
export const STACK_FRAME = /^\s+at .+/m;
