import type { ConsortiumConfig } from "@consortium/config";
import { layerLlmClient } from "@consortium/providers";
import { type FakeLlm, fakeLlmEnv, gate, startFakeLlm } from "@consortium/testkit";
import { Effect, Layer } from "effect";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type RunEvent, RunEvents } from "../src/RunEvents.js";
import { runConsortium } from "../src/runConsortium.js";
import { arbiterReply, httpConfig, limits, recordingLog } from "./support.js";

// A run asked to stream its answer (streamSynthesis) sends it as SynthesisDelta events: live from
// the arbiter's streamed call in the last allowed round, at once when an earlier round is decided
// final, never a round that another follows; the pieces join to the result's synthesis exactly.

let fake: FakeLlm;
let env: Record<string, string>;
beforeAll(async () => {
  fake = await startFakeLlm();
  env = fakeLlmEnv(fake, { openai: "sk-canary-stream-openai-1", anthropic: "sk-ant-canary-stream-2" });
});
afterAll(() => fake.close());
beforeEach(() => fake.reset());

const config = (overrides: Partial<ConsortiumConfig> = {}): ConsortiumConfig =>
  httpConfig({ name: "stream", ...overrides });

/** Runs with every event handed to `onEvent` as it is emitted. */
const run = (cfg: ConsortiumConfig, onEvent: (event: RunEvent) => void = () => {}, streamSynthesis = true) => {
  const events: Array<RunEvent> = [];
  const promise = Effect.runPromise(
    runConsortium(cfg, "What is the capital of Australia?", { env, streamSynthesis }).pipe(
      Effect.provide(
        Layer.mergeAll(
          layerLlmClient({ env }),
          recordingLog().layer,
          RunEvents.fromCallback((event) => {
            events.push(event);
            onEvent(event);
          })
        )
      )
    )
  );
  return { events, promise };
};

const deltas = (events: ReadonlyArray<RunEvent>) =>
  events.flatMap((event) => (event._tag === "SynthesisDelta" ? [event] : []));
const joined = (events: ReadonlyArray<RunEvent>) =>
  deltas(events)
    .map((event) => event.text)
    .join("");

const ANSWER = "Canberra is the capital of Australia.";

describe("streaming the answer", () => {
  it("streams the last round's synthesis live: the first piece comes while the arbiter is still writing", async () => {
    const reply = `<analysis>checked</analysis>\n<synthesis>\n${ANSWER}\n</synthesis>\n<confidence>0.9</confidence>\n<needs_iteration>false</needs_iteration>`;
    const cut = reply.indexOf("capital");
    const release = gate();
    fake.script("claude-judge", {
      stream: { pieces: [reply.slice(0, cut), reply.slice(cut)], holdAfterFirst: release.opened }
    });
    const { events, promise } = run(config(), (event) => {
      if (event._tag === "SynthesisDelta") release.open();
    });
    const result = await promise;
    expect(result.synthesis?.text).toBe(ANSWER);
    expect(deltas(events)[0]).toMatchObject({ iteration: 1, text: "Canberra is the" });
    expect(joined(events)).toBe(ANSWER);
    expect(events.find((event) => event._tag === "SynthesisFinal")).toMatchObject({ text: ANSWER, revised: false });
    // Only the arbiter's call streams; members stay on plain JSON.
    expect(fake.requests.map((request) => [request.model, request.stream])).toEqual(
      expect.arrayContaining([
        ["gpt-m", false],
        ["claude-m", false],
        ["claude-judge", true]
      ])
    );
  });

  it("a round another follows is never sent: only the final round's text goes out", async () => {
    fake.script("claude-judge", [
      { text: arbiterReply({ synthesis: "Sydney, probably.", confidence: 0.3, needs: true }) },
      {
        text: arbiterReply({ synthesis: ANSWER, confidence: 0.95 }),
        stream: {
          pieces: [
            "<analysis>ok</analysis><synthesis>Canberra ",
            "is the capital of Australia.</synthesis><confidence>0.95</confidence>"
          ]
        }
      }
    ]);
    const { events, promise } = run(config({ maxIterations: 2 }));
    const result = await promise;
    expect(result.iterations).toHaveLength(2);
    expect(joined(events)).toBe(result.synthesis?.text);
    expect(joined(events)).not.toContain("Sydney");
    expect(deltas(events).every((event) => event.iteration === 2)).toBe(true);
    // The first round was asked without streaming: it could not go out live anyway.
    expect(
      fake.requests.filter((request) => request.model === "claude-judge").map((request) => request.stream)
    ).toEqual([false, true]);
  });

  it("an earlier round decided final goes out at once after its decision, and the later rounds never run", async () => {
    fake.script("claude-judge", { text: arbiterReply({ synthesis: ANSWER, confidence: 0.9 }) });
    const { events, promise } = run(config({ maxIterations: 3 }));
    const result = await promise;
    expect(result.iterations).toHaveLength(1);
    const ended = events.findIndex((event) => event._tag === "IterationEnded");
    const first = events.findIndex((event) => event._tag === "SynthesisDelta");
    expect(first).toBeGreaterThan(ended);
    expect(deltas(events)).toEqual([{ _tag: "SynthesisDelta", runId: result.runId, iteration: 1, text: ANSWER }]);
  });

  it("a low-confidence round on a non-final iteration is never sent, even when the run then ends on it", async () => {
    // Round 2's members all fail (no quorum): the answer is round 1's, sent only at the end.
    fake.script("claude-judge", {
      text: arbiterReply({ synthesis: "Sydney, probably.", confidence: 0.3, needs: true })
    });
    fake.script("gpt-m", [{ text: "Canberra." }, { fault: { type: "status", status: 400 } }]);
    fake.script("claude-m", [{ text: "Canberra." }, { fault: { type: "status", status: 400 } }]);
    const { events, promise } = run(config({ maxIterations: 3 }));
    const result = await promise;
    expect(result.status).not.toBe("completed");
    expect(result.synthesis?.text).toBe("Sydney, probably.");
    const deltaAt = events.findIndex((event) => event._tag === "SynthesisDelta");
    const secondRound = events.findIndex((event) => event._tag === "IterationStarted" && event.iteration === 2);
    expect(deltaAt).toBeGreaterThan(secondRound);
    expect(joined(events)).toBe(result.synthesis?.text);
  });

  it("a streamed attempt that times out and is retried never repeats what was sent", async () => {
    const reply = `<synthesis>${ANSWER}</synthesis><confidence>0.9</confidence>`;
    const never = gate();
    const cut = reply.indexOf("the capital");
    fake.script("claude-judge", [
      { stream: { pieces: [reply.slice(0, cut), reply.slice(cut)], holdAfterFirst: never.opened } },
      { text: reply, stream: { pieces: [reply.slice(0, 12), reply.slice(12)] } }
    ]);
    const { events, promise } = run(config({ limits: limits({ timeoutMs: 400, retries: 1 }) }));
    const result = await promise;
    expect(result.synthesis?.text).toBe(ANSWER);
    expect(result.iterations[0]?.arbiter?.attempts).toBe(2);
    expect(deltas(events).length).toBeGreaterThan(1);
    expect(joined(events)).toBe(ANSWER);
  });

  it("says so when the arbiter writes a second synthesis after the first went out (the parser takes the last)", async () => {
    const reply =
      "<synthesis>A first draft.</synthesis>\n<synthesis>The answer.</synthesis><confidence>0.9</confidence>";
    fake.script("claude-judge", { text: reply, stream: { pieces: [reply.slice(0, 30), reply.slice(30)] } });
    const { events, promise } = run(config());
    const result = await promise;
    expect(result.synthesis?.text).toBe("The answer.");
    expect(joined(events)).toBe("A first draft.");
    expect(events.find((event) => event._tag === "SynthesisFinal")).toMatchObject({
      text: "The answer.",
      revised: true
    });
  });

  it("sends nothing, and the arbiter does not stream, unless the run is asked to", async () => {
    fake.script("claude-judge", { text: arbiterReply({ synthesis: ANSWER, confidence: 0.9 }) });
    const { events, promise } = run(config(), () => {}, false);
    await promise;
    expect(deltas(events)).toEqual([]);
    expect(events.some((event) => event._tag === "SynthesisFinal")).toBe(false);
    expect(fake.requests.every((request) => !request.stream)).toBe(true);
  });
});
