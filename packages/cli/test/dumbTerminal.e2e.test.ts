import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { binPath, repoRoot } from "./binary.js";
import { confidentReply, useFakeWorkspace } from "./workspace.js";

// What a terminal sees on stderr while a run or an eval is in progress, through a real pseudo-terminal
// (util-linux `script`): a display redrawn in place where the terminal can move its cursor, plain
// lines on a dumb one (TERM=dumb: an editor's shell, a CI log viewer that allocates a pty).

const ws = useFakeWorkspace("dumb-terminal");

const quote = (arg: string): string => `'${arg.replaceAll("'", "'\\''")}'`;

/** The command's output as the terminal received it (stdout and stderr share the pty), and its exit code. */
const inTerminal = (args: ReadonlyArray<string>, term: string): Promise<{ code: number | null; shown: string }> =>
  new Promise((resolve, reject) => {
    const { NO_COLOR: _, ...env } = process.env;
    const command = [process.execPath, binPath, ...args].map(quote).join(" ");
    const child = spawn("script", ["-qec", command, "/dev/null"], {
      cwd: repoRoot,
      env: { ...env, ...ws.env({ CONSORTIUM_DB: join(ws.dir, "runs.db") }), TERM: term },
      stdio: ["ignore", "pipe", "pipe"]
    });
    let shown = "";
    child.stdout.on("data", (chunk: Buffer) => {
      shown += chunk.toString();
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, shown }));
  });

// biome-ignore lint/suspicious/noControlCharactersInRegex: a cursor-up sequence is what is looked for
const CURSOR_UP = /\u001b\[\d*A/;

describe("progress on a terminal", () => {
  it("run: redrawn in place on a capable terminal, plain lines with no escape sequence on TERM=dumb", async () => {
    ws.fake.script("judge", { text: confidentReply("Canberra.") });
    const file = ws.writeConsortium("pair", "members: [openai/m1, openai/m2]\narbiter: openai/judge\n");

    const capable = await inTerminal(["run", file, "Capital?"], "xterm-256color");
    expect(capable.code, capable.shown).toBe(0);
    expect(capable.shown).toMatch(CURSOR_UP);

    const dumb = await inTerminal(["run", file, "Capital?"], "dumb");
    expect(dumb.code, dumb.shown).toBe(0);
    expect(dumb.shown).toContain("openai/m1#1 done");
    expect(dumb.shown).toContain("Canberra.");
    expect(dumb.shown).not.toContain("\u001b");
  });

  it("eval: a bar on a capable terminal, the log's plain lines on TERM=dumb", async () => {
    ws.fake.script("judge", { text: confidentReply("Canberra.") });
    const suite = join(ws.dir, "suite.yaml");
    writeFileSync(
      suite,
      'name: smoke\ntargets: [{model: openai/m1}]\ncases:\n  - {id: capital, prompt: "Capital?", assert: [{type: icontains, value: canberra}]}\n'
    );
    ws.fake.script("m1", { text: "Canberra." });

    const capable = await inTerminal(["eval", suite, "--no-log"], "xterm-256color");
    expect(capable.code, capable.shown).toBe(0);
    expect(capable.shown).toContain("\u001b[2K");

    const dumb = await inTerminal(["eval", suite, "--no-log"], "dumb");
    expect(dumb.code, dumb.shown).toBe(0);
    expect(dumb.shown).toContain("eval: 1/1 results (1 passed, 0 failed)");
    expect(dumb.shown).not.toContain("\u001b");
  });
});
