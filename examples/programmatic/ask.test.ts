import { type FakeLlm, fakeLlmEnv, startFakeLlm } from "@consortium/testkit";
import { afterAll, beforeAll, expect, it } from "vitest";
import { quickConsortium, summarize } from "./ask.js";

// The documented example must keep working: `pnpm test` runs it against the fake server.

let fake: FakeLlm;
beforeAll(async () => {
  fake = await startFakeLlm();
});
afterAll(() => fake.close());

it("examples/programmatic/ask.ts runs a consortium built in code", async () => {
  fake.script("claude-opus-5", {
    text:
      "<synthesis>Canberra.</synthesis><confidence>0.9</confidence><analysis>a</analysis><dissent></dissent>" +
      "<needs_iteration>false</needs_iteration><refinement_areas></refinement_areas>"
  });
  const consortium = quickConsortium(fakeLlmEnv(fake));
  expect(consortium.config.members.map((m) => `${m.provider}/${m.model}:${m.count}`)).toEqual([
    "openai/gpt-5.1-mini:2",
    "anthropic/claude-haiku-4-5:1"
  ]);
  const result = await consortium.run("Capital of Australia?");
  expect(summarize(result)).toBe("completed after 1 round(s), confidence 0.9: Canberra.");
  expect(fake.requests.map((r) => r.model).sort()).toEqual([
    "claude-haiku-4-5",
    "claude-opus-5",
    "gpt-5.1-mini",
    "gpt-5.1-mini"
  ]);
});
