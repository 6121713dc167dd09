import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, expect, it } from "vitest";
import { consortium, repoRoot, STACK_FRAME } from "./binary.js";

// What ./quickstart.sh runs after installing and building (scripts/demo.mjs): without keys, the research
// consortium against the bundled fake server, recorded, the synthesis printed once, then three commands
// to try next. Each of them is run here exactly as printed (with `pnpm consortium` being the built CLI).

const demo = (db: string): Promise<{ code: number | null; stdout: string; stderr: string }> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(repoRoot, "scripts", "demo.mjs"), "What causes the seasons?"], {
      cwd: repoRoot,
      env: { ...process.env, NO_COLOR: "1", OPENAI_API_KEY: "", ANTHROPIC_API_KEY: "", CONSORTIUM_QUICKSTART_DB: db },
      stdio: ["ignore", "pipe", "pipe"]
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });

beforeAll(() => {
  // the fake server's bundle, as `pnpm build` makes it
  execFileSync(process.execPath, [join(repoRoot, "packages", "testkit", "build.mjs")]);
});

it("quickstart: records its run, prints the synthesis once, ends with three next commands that work", async () => {
  const db = join(mkdtempSync(join(tmpdir(), "consortium-quickstart-")), "quickstart.db");
  const run = await demo(db);
  expect(run.stderr).not.toMatch(STACK_FRAME);
  expect(run.code, run.stderr).toBe(0);
  expect(run.stdout.match(/axis is tilted about 23\.4°/g)).toHaveLength(1);
  expect(run.stdout).not.toContain("=== iteration");

  const next = run.stderr
    .split("\n")
    .filter((line) => line.startsWith("  pnpm consortium "))
    .map((line) =>
      line
        .trim()
        .replace(/^pnpm consortium /, "")
        .split(" ")
    );
  expect(next.map(([command]) => command)).toEqual(["runs", "show", "eval"]);
  const runId = /Recorded as run (\S+) /.exec(run.stderr)?.[1];
  expect(runId).toBeDefined();

  const [runs, show, evaluate] = await Promise.all(next.map((args) => consortium(args)));
  expect(runs?.code).toBe(0);
  expect(runs?.stdout).toContain(runId?.slice(0, 8));
  expect(show?.code).toBe(0);
  expect(show?.stdout).toContain("axis is tilted");
  expect(evaluate?.code, evaluate?.stderr).toBe(0);
});
