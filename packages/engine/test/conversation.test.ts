import { layerLlmClient } from "@consortium/providers";
import { type FakeLlm, fakeLlmEnv, startFakeLlm } from "@consortium/testkit";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { consortiumOf } from "../src/Consortium.js";
import { turnsOf, withHistory } from "../src/conversation.js";
import { arbiterReply, httpConfig, member, recordingLog } from "./support.js";

// Conversations: earlier prompts and syntheses reach every member and the arbiter as prior messages,
// checked where it matters, at the (fake) provider's HTTP endpoint.

describe("withHistory", () => {
  it("is exactly one user message without history", () => {
    expect(withHistory([], "Q")).toEqual([{ role: "user", content: "Q" }]);
  });

  it("puts the turns first, joins consecutive turns of one role and drops empty ones", () => {
    expect(
      withHistory(
        [
          { role: "user", content: "a" },
          { role: "user", content: "b" },
          { role: "assistant", content: " " },
          { role: "assistant", content: "B" }
        ],
        "Q"
      )
    ).toEqual([
      { role: "user", content: "a\n\nb" },
      { role: "assistant", content: "B" },
      { role: "user", content: "Q" }
    ]);
  });

  it("keeps a prompt whose run had no answer, so the next turn still follows it", () => {
    expect(turnsOf([{ prompt: "p1", answer: null }])).toEqual([{ role: "user", content: "p1" }]);
  });
});

describe("a conversation over HTTP", () => {
  let fake: FakeLlm;
  let env: Record<string, string>;
  beforeAll(async () => {
    fake = await startFakeLlm();
    env = fakeLlmEnv(fake);
  });
  afterAll(() => fake.close());
  beforeEach(() => fake.reset());

  const config = httpConfig({
    name: "talk",
    members: [member("openai/gpt-m", 2), member("anthropic/claude-m")]
  });

  it("sends turn 1's prompt and synthesis before turn 2's prompt to every member and the arbiter", async () => {
    fake.script("claude-judge", [
      { text: arbiterReply({ synthesis: "Canberra.", confidence: 0.9 }) },
      { text: arbiterReply({ synthesis: "About 460,000.", confidence: 0.9 }) }
    ]);
    const log = recordingLog();
    const consortium = consortiumOf(config, { client: layerLlmClient({ env }), env, log: log.layer });
    const first = await consortium.run("What is the capital of Australia?");
    expect(first.synthesis?.text).toBe("Canberra.");
    const turn1 = fake.requests.filter((r) => r.model !== "claude-judge");
    for (const request of turn1) {
      expect(request.messages).toEqual([{ role: "user", content: "What is the capital of Australia?" }]);
    }
    fake.reset();
    fake.script("claude-judge", { text: arbiterReply({ synthesis: "About 460,000.", confidence: 0.9 }) });

    const second = await first.continue("And its population?");
    expect(second.synthesis?.text).toBe("About 460,000.");
    const prior = [
      { role: "user", content: "What is the capital of Australia?" },
      { role: "assistant", content: "Canberra." }
    ];
    const members = fake.requests.filter((r) => r.model !== "claude-judge");
    expect(members).toHaveLength(3);
    for (const request of members) {
      expect(request.messages).toEqual([...prior, { role: "user", content: "And its population?" }]);
    }
    const [arbiter] = fake.requests.filter((r) => r.model === "claude-judge");
    expect(arbiter?.messages.slice(0, 2)).toEqual(prior);
    expect(arbiter?.messages[2]?.content).toContain("And its population?");
    // the run log hears which conversation the second run continues
    const started = log.started.map((s) => s.conversation);
    expect(started).toEqual([undefined, { id: first.runId, parentRunId: first.runId }]);
    // and the result still serialises as the plain result object
    expect(Object.keys(JSON.parse(JSON.stringify(second)))).not.toContain("continue");
  });
});
