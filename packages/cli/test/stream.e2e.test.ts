import { spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type FakeLlm, fakeLlmEnv, gate, startFakeLlm } from "@consortium/testkit";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { binPath, consortium, repoRoot } from "./binary.js";

// `run --stream`: the answer on stdout as the arbiter writes it, once, and never a round that
// another round replaced.

const arbiterReply = (text: string, confidence = 0.95): string =>
  `<synthesis>${text}</synthesis>\n<confidence>${confidence}</confidence>\n<needs_iteration>false</needs_iteration>`;

const ANSWER = "Canberra is the capital of Australia, chosen in 1908.";

let fake: FakeLlm;
let dir: string;
let once: string;
let twice: string;

beforeAll(async () => {
  fake = await startFakeLlm();
  dir = mkdtempSync(join(tmpdir(), "consortium-stream-"));
  once = join(dir, "once.yaml");
  twice = join(dir, "twice.yaml");
  writeFileSync(once, "name: once\nmembers: [openai/gpt-m:2]\narbiter: openai/judge-m\nmax_iterations: 1\n");
  writeFileSync(twice, "name: twice\nmembers: [openai/gpt-m]\narbiter: openai/judge-m\nmax_iterations: 2\n");
});
afterAll(() => fake.close());
beforeEach(() => fake.reset());

const cli = (args: ReadonlyArray<string>) => consortium(args, { env: { ...fakeLlmEnv(fake) } });

describe("consortium run --stream", () => {
  it("to a pipe, prints the answer once, exactly as without streaming", async () => {
    const reply = `<analysis>ok</analysis>\n<synthesis>\n  ${ANSWER}\n</synthesis>\n<confidence>0.9</confidence>`;
    fake.script("judge-m", { text: reply, stream: { pieces: reply.match(/[\s\S]{1,5}/g) ?? [] } });
    const streamed = await cli(["run", once, "Capital?", "--stream", "--no-log"]);
    expect(streamed.code, streamed.stderr).toBe(0);
    expect(streamed.stdout).toBe(`${ANSWER}\n`);
    expect(fake.requests.find((request) => request.model === "judge-m")?.stream).toBe(true);
    const plain = await cli(["run", once, "Capital?", "--no-log"]);
    expect(plain.stdout).toBe(streamed.stdout);
    // A pipe without --stream gets the whole result, and the arbiter is not asked to stream.
    expect(fake.requests.filter((request) => request.model === "judge-m").map((request) => request.stream)).toEqual([
      true,
      false
    ]);
  });

  it("writes the first piece while the arbiter is still writing", async () => {
    const reply = arbiterReply(ANSWER);
    const cut = reply.indexOf("chosen");
    const release = gate();
    fake.script("judge-m", {
      stream: { pieces: [reply.slice(0, cut), reply.slice(cut)], holdAfterFirst: release.opened }
    });
    const child = spawn(process.execPath, [binPath, "run", once, "Capital?", "--stream", "--no-log"], {
      cwd: repoRoot,
      env: { ...process.env, NO_COLOR: "1", ...fakeLlmEnv(fake) },
      stdio: ["ignore", "pipe", "pipe"]
    });
    let stdout = "";
    let stderr = "";
    let heldWhenSeen: string | undefined;
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
      if (heldWhenSeen === undefined) {
        heldWhenSeen = fake.requests.find((request) => request.model === "judge-m")?.outcome;
        release.open();
      }
    });
    const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
    expect(code, stderr).toBe(0);
    expect(heldWhenSeen).toBe("pending");
    expect(stdout).toBe(`${ANSWER}\n`);
  });

  it("never writes a round that another round replaced", async () => {
    fake.script("judge-m", [{ text: arbiterReply("Sydney, probably.", 0.3) }, { text: arbiterReply(ANSWER) }]);
    const result = await cli(["run", twice, "Capital?", "--stream", "--no-log"]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe(`${ANSWER}\n`);
    expect(result.stdout).not.toContain("Sydney");
    // The round that was refined is progress on stderr, never its text.
    expect(result.stderr).toContain("round 1: refining\n");
    expect(result.stderr).not.toContain("Sydney");
  });

  it("--json and --no-stream keep stdout the complete result", async () => {
    fake.script("judge-m", { text: arbiterReply(ANSWER) });
    const json = await cli(["run", once, "Capital?", "--stream", "--json", "--no-log"]);
    expect(JSON.parse(json.stdout).synthesis.text).toBe(ANSWER);
    const off = await cli(["run", once, "Capital?", "--no-stream", "--no-log"]);
    expect(off.stdout).toBe(`${ANSWER}\n`);
    expect(fake.requests.filter((request) => request.model === "judge-m").every((request) => !request.stream)).toBe(
      true
    );
  });
});
