import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type FakeLlm, fakeLlmEnv, startFakeLlm } from "@consortium/testkit";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { consortium, STACK_FRAME } from "./binary.js";

// `run --continue` / `-c` as a user runs it: the second turn's requests at the fake server carry the
// first prompt and synthesis as prior messages, and `show` lists the turns.

const arbiterReply = (text: string): string =>
  `<synthesis>${text}</synthesis>\n<confidence>0.95</confidence>\n<needs_iteration>false</needs_iteration>`;

let fake: FakeLlm;
let dir: string;
let file: string;

beforeAll(async () => {
  fake = await startFakeLlm();
  dir = mkdtempSync(join(tmpdir(), "consortium-continue-"));
  file = join(dir, "talk.yaml");
  writeFileSync(file, "name: talk\nmembers: [openai/gpt-m:2]\narbiter: openai/judge-m\nmax_iterations: 1\n");
});
afterAll(() => fake.close());
beforeEach(() => fake.reset());

const cli = (args: ReadonlyArray<string>) =>
  consortium(args, { env: { ...fakeLlmEnv(fake), CONSORTIUM_DB: join(dir, "runs.db") } });

const runId = (json: string): string => (JSON.parse(json) as { runId: string }).runId;

describe("consortium run --continue", () => {
  it("sends the earlier prompts and syntheses as prior turns, and show lists the conversation", async () => {
    fake.script("judge-m", { text: arbiterReply("Canberra.") });
    const first = await cli(["run", file, "Capital of Australia?", "--json"]);
    expect(first.code, first.stderr).toBe(0);
    const firstId = runId(first.stdout);

    fake.reset();
    fake.script("judge-m", { text: arbiterReply("About 460,000.") });
    const second = await cli(["run", file, "And its population?", "-c", "--json"]);
    expect(second.code, second.stderr).toBe(0);
    const members = fake.requests.filter((r) => r.model === "gpt-m");
    expect(members).toHaveLength(2);
    for (const request of members) {
      expect(request.messages).toEqual([
        { role: "user", content: "Capital of Australia?" },
        { role: "assistant", content: "Canberra." },
        { role: "user", content: "And its population?" }
      ]);
    }
    const secondId = runId(second.stdout);

    fake.reset();
    fake.script("judge-m", { text: arbiterReply("Canberra again.") });
    const third = await cli(["run", file, "Spell it?", "--continue", secondId.slice(0, 12).toLowerCase(), "--json"]);
    expect(third.code, third.stderr).toBe(0);
    expect(fake.requests.find((r) => r.model === "gpt-m")?.messages.map((m) => m.content)).toEqual([
      "Capital of Australia?",
      "Canberra.",
      "And its population?",
      "About 460,000.",
      "Spell it?"
    ]);

    const shown = await cli(["show", secondId]);
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stdout).toContain(`Conversation ${firstId} (3 turns`);
    expect(shown.stdout).toMatch(new RegExp(`\\* {2}2\\. ${secondId}`));
  });

  it("an id that names no run is bad input: exit 2, one line naming the flag, no call made", async () => {
    const result = await cli(["run", file, "more?", "--continue", "NO-SUCH-RUN"]);
    expect(result.code).toBe(2);
    expect(result.stderr.trim()).toBe('--continue: no run with id "NO-SUCH-RUN"');
    expect(result.stderr).not.toMatch(STACK_FRAME);
    expect(fake.requests).toHaveLength(0);
  });
});

describe("consortium run --continue with no id", () => {
  it("continues the latest run, like -c", async () => {
    fake.script("judge-m", { text: arbiterReply("First answer.") });
    const first = await cli(["run", file, "First question?", "--json"]);
    expect(first.code, first.stderr).toBe(0);
    fake.reset();
    fake.script("judge-m", { text: arbiterReply("Second answer.") });
    const second = await cli(["run", file, "Second question?", "--continue"]);
    expect(second.code, second.stderr).toBe(0);
    expect(fake.requests.find((r) => r.model === "gpt-m")?.messages.map((m) => m.content)).toEqual([
      "First question?",
      "First answer.",
      "Second question?"
    ]);
  });
});

describe("consortium run <file> --continue <value> with no prompt", () => {
  it("takes a value that names no run as the prompt, continuing the latest run", async () => {
    fake.script("judge-m", { text: arbiterReply("Earth answer.") });
    const first = await cli(["run", file, "On Earth?", "--json"]);
    expect(first.code, first.stderr).toBe(0);
    fake.reset();
    fake.script("judge-m", { text: arbiterReply("Mars answer.") });
    const second = await cli(["run", file, "--continue", "And on Mars?", "--json"]);
    expect(second.stderr).not.toMatch(STACK_FRAME);
    expect(second.code, second.stderr).toBe(0);
    expect(fake.requests.find((r) => r.model === "gpt-m")?.messages.map((m) => m.content)).toEqual([
      "On Earth?",
      "Earth answer.",
      "And on Mars?"
    ]);
  });

  it("still reads a value that names a run as its id: the prompt then comes from standard input", async () => {
    fake.script("judge-m", { text: arbiterReply("One.") });
    const first = await cli(["run", file, "Count?", "--json"]);
    expect(first.code, first.stderr).toBe(0);
    const firstId = runId(first.stdout);
    const bare = await cli(["run", file, "--continue", firstId]);
    expect(bare.code).toBe(2);
    expect(bare.stderr).toContain("no prompt");
    fake.reset();
    fake.script("judge-m", { text: arbiterReply("Two.") });
    const piped = await consortium(["run", file, "--continue", firstId.slice(0, 10), "--json"], {
      env: { ...fakeLlmEnv(fake), CONSORTIUM_DB: join(dir, "runs.db") },
      input: "Next?"
    });
    expect(piped.code, piped.stderr).toBe(0);
    expect(fake.requests.find((r) => r.model === "gpt-m")?.messages.map((m) => m.content)).toEqual([
      "Count?",
      "One.",
      "Next?"
    ]);
  });

  it("with a piped prompt, a value that names no run is a mistyped id: exit 2 naming the flag", async () => {
    const result = await consortium(["run", file, "--continue", "NO-SUCH-RUN"], {
      env: { ...fakeLlmEnv(fake), CONSORTIUM_DB: join(dir, "runs.db") },
      input: "Next?"
    });
    expect(result.code).toBe(2);
    expect(result.stderr.trim()).toBe('--continue: no run with id "NO-SUCH-RUN"');
    expect(fake.requests).toHaveLength(0);
  });
});

describe("consortium run -c after a run that included a consortium", () => {
  it("continues the run the user started, not one of its included consortium's runs (which started later)", async () => {
    writeFileSync(join(dir, "panel.yaml"), "name: panel\nmembers: [openai/inner-m]\narbiter: openai/inner-judge\n");
    const outer = join(dir, "outer.yaml");
    writeFileSync(outer, "name: outer\nmembers: [openai/gpt-m, {consortium: panel}]\narbiter: openai/judge-m\n");
    fake.script("inner-judge", { text: arbiterReply("Inner answer.") });
    fake.script("judge-m", { text: arbiterReply("Outer answer.") });
    const first = await cli(["run", outer, "Outer question?", "--json"]);
    expect(first.code, first.stderr).toBe(0);
    fake.reset();
    fake.script("judge-m", { text: arbiterReply("Follow-up answer.") });
    const second = await cli(["run", file, "Follow-up?", "-c", "--json"]);
    expect(second.code, second.stderr).toBe(0);
    expect(fake.requests.find((r) => r.model === "gpt-m")?.messages.map((m) => m.content)).toEqual([
      "Outer question?",
      "Outer answer.",
      "Follow-up?"
    ]);
  });
});
