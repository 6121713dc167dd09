import { join } from "node:path";
import type { FakeRequest } from "@consortium/testkit";
import { describe, expect, it } from "vitest";
import { consortium, STACK_FRAME } from "./binary.js";
import { confidentReply, useFakeWorkspace } from "./workspace.js";

// Strategies between rounds and layers within them, through the built binary against the fake server.

const ws = useFakeWorkspace("strategy");

const { writeConsortium } = ws;

const run = (args: ReadonlyArray<string>) => consortium(["run", ...args, "--json", "--no-log"], { env: ws.env() });

const lastMessage = (request: FakeRequest): string => request.messages.at(-1)?.content ?? "";

/** Ranks the answers present in the judge's request in the given order of preference. */
const rankPresent = (content: string, preference: ReadonlyArray<string>): string => {
  const ranks = preference
    .filter((answer) => content.includes(answer))
    .map((answer) => {
      const before = [...content.slice(0, content.indexOf(answer)).matchAll(/Response \d+/g)];
      return `<rank>${before.at(-1)?.[0]}</rank>`;
    });
  return `<ranking>${ranks.join("")}</ranking><confidence>0.5</confidence>`;
};

const members = (n: number) => Array.from({ length: n }, (_, i) => `openai/m${i + 1}`);

describe("strategy.eliminate", () => {
  it("with 4 instances drops the lowest-ranked one per round, never below keep_at_least", async () => {
    const answers = members(4).map((_, i) => `Answer from m${i + 1}.`);
    members(4).forEach((_, i) => {
      ws.fake.script(`m${i + 1}`, { text: answers[i]! });
    });
    ws.fake.script("judge", (request) => ({ text: rankPresent(lastMessage(request), answers) }));
    const file = writeConsortium(
      "eliminate",
      `members: [${members(4).join(", ")}]\narbiter: openai/judge\njudging: select\n` +
        "min_iterations: 4\nmax_iterations: 4\nstrategy: {eliminate: 1, keep_at_least: 2}\n"
    );

    const result = await run([file, "Which?"]);

    expect(result.stderr).not.toMatch(STACK_FRAME);
    expect(result.code).toBe(0);
    const json = JSON.parse(result.stdout);
    expect(json.iterations.map((it: { responses: Array<unknown> }) => it.responses.length)).toEqual([4, 3, 2, 2]);
    expect(
      json.iterations.map((it: { eliminated: Array<{ member: string }> }) => it.eliminated.map((e) => e.member))
    ).toEqual([["openai/m4"], ["openai/m3"], [], []]);
    expect(json.iterations[0].eliminated[0].reason).toBe("ranked 4 of 4 in iteration 1");
    const memberCalls = ws.fake.requests.filter((r) => r.model !== "judge");
    expect(memberCalls).toHaveLength(11);
    expect(memberCalls.slice(4).map((r) => r.model)).not.toContain("m4");
  });

  it("without a ranking judging method is a validation error, exit 2", async () => {
    const file = writeConsortium(
      "eliminate-bad",
      "members: [openai/m1:3]\narbiter: openai/judge\nstrategy:\n  eliminate: 1\n"
    );
    const result = await consortium(["validate", file]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`${file}:5:14: /strategy/eliminate needs a ranking, but judging is synthesis`);
  });

  it("--judging without a ranking on a file that eliminates is the same error, naming the flag, exit 2", async () => {
    const file = writeConsortium(
      "eliminate-flag",
      "members: [openai/m1:3]\narbiter: openai/judge\njudging: select\nstrategy:\n  eliminate: 1\n"
    );
    const result = await run([file, "Which?", "--judging", "synthesis"]);
    expect(result.stderr).not.toMatch(STACK_FRAME);
    expect(result.code).toBe(2);
    expect(result.stderr.trim()).toBe(
      "--judging synthesis: /strategy/eliminate needs a ranking, but judging is synthesis: use judging: select or judging: peer-review"
    );
    expect(ws.fake.requests).toHaveLength(0);
  });
});

describe("strategy.roles", () => {
  it("gives instance i role i (cycled) in its system prompt, and records each response's role", async () => {
    ws.fake.script("judge", {
      text: confidentReply("ok")
    });
    const file = writeConsortium(
      "roles",
      "members: [openai/m1:2, openai/m2]\narbiter: openai/judge\nsystem: Be brief.\n" +
        "strategy: {roles: [proposer, skeptic]}\n"
    );

    const result = await run([file, "Which?"]);

    expect(result.code).toBe(0);
    const json = JSON.parse(result.stdout);
    expect(json.iterations[0].responses.map((r: { role: string }) => r.role)).toEqual([
      "proposer",
      "skeptic",
      "proposer"
    ]);
    const systems = ws.fake.requests
      .filter((r) => r.model !== "judge")
      .map((r) => r.system ?? "")
      .sort();
    expect(systems).toEqual([
      "Be brief.\n\nIn this panel, your role is: proposer.",
      "Be brief.\n\nIn this panel, your role is: proposer.",
      "Be brief.\n\nIn this panel, your role is: skeptic."
    ]);
  });
});

describe("layers", () => {
  it("layers: 2 makes 2 × instances member calls; layer-2 prompts hold every layer-1 answer; the judge sees layer 2", async () => {
    for (const model of ["m1", "m2", "m3"]) {
      ws.fake.script(model, (request) => ({
        text: lastMessage(request).includes("(Layer 2.)") ? `L2 from ${model}` : `L1 from ${model}`
      }));
    }
    ws.fake.script("judge", {
      text: confidentReply("ok")
    });
    const file = writeConsortium(
      "layers",
      "members: [openai/m1, openai/m2, openai/m3]\narbiter: openai/judge\nlayers: 2\nmax_iterations: 1\n"
    );

    const result = await run([file, "Which?"]);

    expect(result.code).toBe(0);
    const memberCalls = ws.fake.requests.filter((r) => r.model !== "judge");
    expect(memberCalls).toHaveLength(6);
    const layer2 = memberCalls.filter((r) => lastMessage(r).includes("(Layer 2.)"));
    expect(layer2).toHaveLength(3);
    for (const request of layer2) {
      for (const model of ["m1", "m2", "m3"]) expect(lastMessage(request)).toContain(`L1 from ${model}`);
    }
    const judge = lastMessage(ws.fake.requests.find((r) => r.model === "judge")!);
    expect(judge).toContain("L2 from m1");
    expect(judge).not.toContain("L1 from");
    const json = JSON.parse(result.stdout);
    expect(json.iterations[0].responses.map((r: { layer: number }) => r.layer)).toEqual([1, 1, 1, 2, 2, 2]);
    expect(json.iterations[0].responses.filter((r: { label: string | null }) => r.label !== null)).toHaveLength(3);
  });

  it("the store keeps each member call's layer, and show names it", async () => {
    ws.fake.script("judge", {
      text: confidentReply("ok")
    });
    const file = writeConsortium(
      "layers-shown",
      "members: [openai/m1, openai/m2]\narbiter: openai/judge\nlayers: 2\nmax_iterations: 1\n"
    );
    const env = ws.env({ CONSORTIUM_DB: join(ws.dir, "layers.db") });

    const result = await consortium(["run", file, "Which?", "--json"], { env });
    expect(result.code, result.stderr).toBe(0);
    const shown = await consortium(["show", JSON.parse(result.stdout).runId, "--json"], { env });
    const calls = JSON.parse(shown.stdout).calls.filter((call: { role: string }) => call.role === "member");
    expect(calls.map((call: { layer: number }) => call.layer).sort()).toEqual([1, 1, 2, 2]);
    const text = await consortium(["show", JSON.parse(result.stdout).runId], { env });
    expect(text.stdout).toContain("member  openai/m2 #1 (layer 2)");
  });
});
