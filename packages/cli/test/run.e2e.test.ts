import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type FakeLlm, fakeLlmEnv, startFakeLlm } from "@consortium/testkit";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { consortium, STACK_FRAME } from "./binary.js";

// `consortium run` as a user runs it: the built binary, spawned, against the loopback fake server.

const arbiterReply = (o: { text: string; confidence: number; again: boolean; areas?: Array<string> }): string =>
  [
    `<synthesis>${o.text}</synthesis>`,
    `<confidence>${o.confidence}</confidence>`,
    "<analysis>The answers agree on the main point.</analysis>",
    "<dissent>One answer hedged.</dissent>",
    `<needs_iteration>${o.again}</needs_iteration>`,
    `<refinement_areas>${(o.areas ?? []).map((a) => `<area>${a}</area>`).join("")}</refinement_areas>`
  ].join("\n");

let fake: FakeLlm;
let dir: string;

beforeAll(async () => {
  fake = await startFakeLlm();
  dir = mkdtempSync(join(tmpdir(), "consortium-run-"));
});
afterAll(() => fake.close());
beforeEach(() => fake.reset());

const writeConsortium = (name: string, body: string): string => {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, `name: ${name}\n${body}`);
  return file;
};

const run = (args: ReadonlyArray<string>, env: Record<string, string> = {}) =>
  consortium(["run", ...args], { env: { ...fakeLlmEnv(fake), CONSORTIUM_DB: join(dir, "runs.db"), ...env } });

describe("consortium run", () => {
  it("goes to a second round when the arbiter is unsure, sending the synthesis and refinement areas", async () => {
    fake.script("gpt-4.1-mini", { text: "Canberra, I think." });
    fake.script("claude-haiku-4-5", { text: "Canberra." });
    fake.script("arbiter-model", [
      {
        text: arbiterReply({
          text: "Probably Canberra.",
          confidence: 0.4,
          again: true,
          areas: ["cite the 1908 decision"]
        })
      },
      { text: arbiterReply({ text: "Canberra is the capital of Australia.", confidence: 0.95, again: false }) }
    ]);
    const file = writeConsortium(
      "two-rounds",
      "members: [openai/gpt-4.1-mini:2, anthropic/claude-haiku-4-5]\narbiter: openai/arbiter-model\n"
    );
    const out = join(dir, "two-rounds.json");

    const result = await run([file, "What is the capital of Australia?", "-o", out]);

    expect(result.stderr).not.toMatch(STACK_FRAME);
    expect(result.code).toBe(0);
    expect(result.stdout.trim()).toBe("Canberra is the capital of Australia.");
    const json = JSON.parse(readFileSync(out, "utf8"));
    expect(json.status).toBe("completed");
    expect(json.iterations).toHaveLength(2);
    expect(json.synthesis.confidence).toBe(0.95);

    const members = fake.requests.filter((r) => r.model !== "arbiter-model");
    expect(members).toHaveLength(6);
    const anthropic = members.filter((r) => r.model === "claude-haiku-4-5");
    expect(anthropic.map((r) => r.protocol)).toEqual(["anthropic", "anthropic"]);
    const secondRound = members.slice(3).map((r) => r.messages.map((m) => m.content).join("\n"));
    for (const prompt of secondRound) {
      expect(prompt).toContain("Probably Canberra.");
      expect(prompt).toContain("cite the 1908 decision");
      expect(prompt).toContain("What is the capital of Australia?");
    }
  });

  it("times out a hung member, goes on without it, and says the run is degraded", async () => {
    fake.script("gpt-4.1-mini", { text: "Canberra." });
    fake.script("gpt-4.1", { fault: { type: "hang" } });
    fake.script("arbiter-model", { text: arbiterReply({ text: "Canberra.", confidence: 0.9, again: false }) });
    const file = writeConsortium(
      "hung",
      "members: [openai/gpt-4.1-mini, openai/gpt-4.1]\narbiter: openai/arbiter-model\n" +
        "limits: {timeout: 1500ms, retries: 0}\n"
    );

    const result = await run([file, "Capital of Australia?", "--json"]);

    expect(result.code, result.stderr).toBe(0);
    const json = JSON.parse(result.stdout);
    expect(json.status).toBe("degraded");
    const hung = json.iterations[0].responses.find((r: { member: string }) => r.member === "openai/gpt-4.1");
    expect(hung.error.type).toBe("AttemptTimeout");
    expect(result.stderr).toMatch(/warning: .*gpt-4\.1/);
    await fake.idle();
    expect(fake.requests.find((r) => r.model === "gpt-4.1")?.aborted).toBe(true);
  });

  it("exits 1 with a one-line reason when every member fails", async () => {
    fake.script("gpt-4.1-mini", { fault: { type: "status", status: 401, message: "invalid x-api-key" } });
    const file = writeConsortium("all-fail", "members: [openai/gpt-4.1-mini:3]\narbiter: openai/arbiter-model\n");

    const result = await run([file, "Capital?"]);

    expect(result.code).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).not.toMatch(STACK_FRAME);
    const lines = result.stderr.trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/failed: no quorum in iteration 1: 0 of 3/);
    expect(fake.requests.filter((r) => r.model === "arbiter-model")).toHaveLength(0);
    // 401 is never retried
    expect(fake.requests).toHaveLength(3);
  });

  it("holds the run-wide and per-provider concurrency limits, counted at the server", async () => {
    fake.script("gpt-4.1-mini", { text: "a", latencyMs: 80 });
    fake.script("local-model", { text: "b", latencyMs: 80 });
    fake.script("arbiter-model", { text: arbiterReply({ text: "ab", confidence: 1, again: false }) });
    const file = writeConsortium(
      "limits",
      "members: [openai/gpt-4.1-mini:6, local/local-model:4]\narbiter: openai/arbiter-model\n" +
        `providers: {local: {type: openai, base_url: "${fake.openaiBaseUrl}", concurrency: 1}}\n` +
        "limits: {concurrency: 3}\n"
    );

    const result = await run([file, "Go", "--no-log"]);

    expect(result.code).toBe(0);
    expect(fake.stats.maxInFlight).toBe(3);
    expect(fake.stats.byModel["local-model"]?.maxInFlight).toBe(1);
  });

  it("finds a missing key before any call and names the variable (exit 2)", async () => {
    const file = writeConsortium("nokey", "members: [openai/gpt-4.1-mini]\narbiter: openai/arbiter-model\n");

    const result = await run([file, "Capital?"], { OPENAI_API_KEY: "" });

    expect(result.code).toBe(2);
    expect(result.stderr).toContain("OPENAI_API_KEY");
    expect(result.stderr).not.toMatch(STACK_FRAME);
    expect(fake.stats.calls).toBe(0);
  });

  it("applies command-line overrides and rejects ones that break the file's rules", async () => {
    fake.script("arbiter-model", { text: arbiterReply({ text: "ok", confidence: 1, again: false }) });
    const file = writeConsortium("over", "members: [openai/gpt-4.1-mini]\narbiter: openai/arbiter-model\n");

    const ok = await run([file, "Q", "-m", "gpt-4.1:2", "-m", "openai/gpt-4.1", "--no-log", "--json"]);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout).iterations[0].responses.map((r: { member: string }) => r.member)).toEqual([
      "openai/gpt-4.1",
      "openai/gpt-4.1",
      "openai/gpt-4.1"
    ]);

    const bad = await run([file, "Q", "--min-iterations", "4", "-m", "mystery-model", "--no-log"]);
    expect(bad.code).toBe(2);
    // the file's own checks, in their one wording, each naming the flag behind it
    expect(bad.stderr).toContain(
      "--min-iterations 4: /min_iterations (4) must not exceed max_iterations (3, the default)"
    );
    expect(bad.stderr).toContain('-m mystery-model: /members/0 "mystery-model" names no provider');
  });

  it("says what is wrong when there is no prompt", async () => {
    const file = writeConsortium("noprompt", "members: [openai/gpt-4.1-mini]\narbiter: openai/arbiter-model\n");
    const result = await run([file]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("no prompt");
  });

  it("an --output that cannot be written is found before any call, and says why (exit 2)", async () => {
    fake.script("arbiter-model", { text: arbiterReply({ text: "Canberra.", confidence: 1, again: false }) });
    const file = writeConsortium("badout", "members: [openai/gpt-4.1-mini]\narbiter: openai/arbiter-model\n");
    const result = await run([file, "Q", "--no-log", "-o", join(dir, "no-such-dir", "out.json")]);
    expect(result.stdout).toBe("");
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("cannot write");
    expect(result.stderr).not.toMatch(STACK_FRAME);
    expect(fake.requests).toHaveLength(0);
  });

  it("appends piped standard input to the prompt, and takes it alone as the prompt", async () => {
    fake.script("arbiter-model", { text: arbiterReply({ text: "ok", confidence: 1, again: false }) });
    const file = writeConsortium("stdin", "members: [openai/gpt-4.1-mini]\narbiter: openai/arbiter-model\n");
    const env = { ...fakeLlmEnv(fake), CONSORTIUM_DB: join(dir, "runs.db") };

    const both = await consortium(["run", file, "Summarise:", "--no-log"], { env, input: "the piped text\n" });
    expect(both.code).toBe(0);
    expect(fake.requests[0]?.messages.at(-1)?.content).toContain("Summarise:\n\nthe piped text");

    fake.reset();
    fake.script("arbiter-model", { text: arbiterReply({ text: "ok", confidence: 1, again: false }) });
    const alone = await consortium(["run", file, "--no-log"], { env, input: "only from stdin" });
    expect(alone.code).toBe(0);
    expect(fake.requests[0]?.messages.at(-1)?.content).toContain("only from stdin");

    fake.reset();
    const ignored = await consortium(["run", file, "--no-log", "--no-stdin"], { env, input: "ignored" });
    expect(ignored.code).toBe(2);
    expect(ignored.stderr).toContain("no prompt");
  });
});
