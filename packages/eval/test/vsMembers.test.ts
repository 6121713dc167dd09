import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { RunLog } from "@consortium/engine";
import { layerLlmClient } from "@consortium/providers";
import { type FakeLlm, startFakeLlm } from "@consortium/testkit";
import { Effect, Layer } from "effect";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EvalLog } from "../src/EvalLog.js";
import { renderMarkdown } from "../src/report/markdown.js";
import { renderTable } from "../src/report/table.js";
import { runSuite } from "../src/runner/runSuite.js";
import { loadSuite } from "./helpers.js";

// --vs-members on a two-member consortium: gpt-a is right except on case "two", gpt-b is always wrong,
// and the arbiter always settles on the right answer, though asked alone it is wrong but on case "one".

let fake: FakeLlm;
let env: Record<string, string>;

beforeAll(async () => {
  fake = await startFakeLlm();
  env = { OPENAI_API_KEY: "sk-test-members", OPENAI_BASE_URL: fake.openaiBaseUrl };
});
afterAll(() => fake.close());

describe("eval --vs-members", () => {
  it("runs each member alone and compares the consortium with its best member, paired by case", async () => {
    fake.script("gpt-a", (request) => ({
      text: request.messages.some((turn) => turn.content.includes("two")) ? "Perth." : "Canberra."
    }));
    fake.script("gpt-b", { text: "Sydney." });
    fake.script("judge-a", (request) => {
      const asked = request.messages.at(-1)?.content ?? "";
      if (asked.startsWith("Capital")) return { text: asked.includes("(one)") ? "Canberra." : "Sydney." };
      return {
        text: "<synthesis>Canberra.</synthesis><confidence>0.9</confidence><needs_iteration>false</needs_iteration>"
      };
    });
    const dir = mkdtempSync(join(tmpdir(), "eval-members-"));
    writeFileSync(
      join(dir, "pair.yaml"),
      "name: pair\nmembers: [openai/gpt-a, openai/gpt-b]\narbiter: openai/judge-a\nmax_iterations: 1\n"
    );
    writeFileSync(
      join(dir, "suite.yaml"),
      `name: members
targets: [pair.yaml]
cases:
  - {id: one, prompt: "Capital of Australia? (one)", assert: [{type: icontains, value: canberra}]}
  - {id: two, prompt: "Capital of Australia? (two)", assert: [{type: icontains, value: canberra}]}
  - {id: three, prompt: "Capital of Australia? (three)", assert: [{type: icontains, value: canberra}]}
`
    );
    const suite = await Effect.runPromise(loadSuite(join(dir, "suite.yaml")));
    const report = await Effect.runPromise(
      runSuite(suite, { env, vsMembers: true }).pipe(
        Effect.provide(Layer.mergeAll(layerLlmClient({ env }), RunLog.none, EvalLog.none))
      )
    );
    expect(report.targets.map((target) => [target.target, target.kind, target.passed])).toEqual([
      ["pair", "consortium", 3],
      ["openai/gpt-a", "model", 2],
      ["openai/gpt-b", "model", 0],
      ["openai/judge-a", "model", 1]
    ]);
    const [comparison] = report.comparisons ?? [];
    expect(comparison).toMatchObject({ consortium: "pair", bestMember: "openai/gpt-a", won: 1, lost: 0, tied: 2 });
    expect(comparison!.won + comparison!.lost + comparison!.tied).toBe(report.cases.length);
    // the arbiter alone answered the bare prompt with the consortium's system prompt, not as an arbiter
    const alone = fake.requests.filter(
      (request) => request.model === "judge-a" && request.messages.at(-1)?.content.startsWith("Capital")
    );
    expect(alone.map((request) => request.messages[0]?.content).sort()).toEqual([
      "Capital of Australia? (one)",
      "Capital of Australia? (three)",
      "Capital of Australia? (two)"
    ]);
    expect(renderTable(report)).toContain("pair vs openai/gpt-a: passed 100.0% vs 66.7%; won 1, lost 0, tied 2");
    expect(renderMarkdown(report)).toContain("won 1, lost 0, tied 2");
  });
});
