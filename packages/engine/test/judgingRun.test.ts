import type { ConsortiumConfig } from "@consortium/config";
import { ServerError } from "@consortium/providers";
import { describe, expect, it } from "@effect/vitest";
import { Effect, Layer } from "effect";
import { runConsortium } from "../src/runConsortium.js";
import {
  arbiterReply,
  limits,
  makeConfig,
  member,
  recordingEvents,
  recordingLog,
  type ScriptedClient,
  type Step,
  scriptedClient,
  userText
} from "./support.js";

// The judging methods on the scripted in-memory client, under the test clock: the endings and
// fallbacks the end-to-end tests do not reach.

const run = (config: ConsortiumConfig, client: ScriptedClient, log = recordingLog()) =>
  runConsortium(config, "Capital?", { seed: 7 }).pipe(
    Effect.provide(Layer.mergeAll(client.layer, log.layer, recordingEvents().layer))
  );

const fail = (model: string) =>
  new ServerError({ provider: "p", model, status: 500, message: `${model}: 500 boom`, retryAfterMs: undefined });

const isReview = (text: string): boolean => text.includes("Rank their answers");

describe("judging methods in the program", () => {
  it.effect("peer-review: too few reviews for the quorum end the run, naming the reviewers that failed", () =>
    Effect.gen(function* () {
      const client = scriptedClient((request): Step => {
        if (request.model === "judge") return { text: arbiterReply({ synthesis: "x", confidence: 0.9 }) };
        if (isReview(userText(request))) {
          return request.model === "b" ? { text: "<ranking><rank>Response 1</rank></ranking>" } : { fail: fail("a") };
        }
        return { text: `answer from ${request.model}` };
      });
      const log = recordingLog();
      const result = yield* run(
        makeConfig({
          judging: "peer-review",
          limits: limits({ quorum: 2, retries: 0 }),
          members: [member("p/a", 2), member("q/b")]
        }),
        client,
        log
      );
      expect(result.status).toBe("failed");
      expect(result.error).toMatch(
        /^no quorum of reviews in iteration 1: 1 reviewers gave a ranking, 2 needed \(p\/a#1: ServerError/
      );
      expect(client.callsTo("judge")).toHaveLength(0);
      expect(log.calls.filter((call) => call.role === "reviewer")).toHaveLength(3);
    })
  );

  it.effect("select: an unreadable ranking falls back to the raw text, unparsed, and the run is degraded", () =>
    Effect.gen(function* () {
      const client = scriptedClient(
        (request): Step =>
          request.model === "judge" ? { text: "I prefer the second answer." } : { text: `answer from ${request.model}` }
      );
      const result = yield* run(makeConfig({ judging: "select", maxIterations: 1 }), client);
      expect(result.status).toBe("degraded");
      expect(result.synthesis).toMatchObject({ text: "I prefer the second answer.", parsed: false, confidence: 0 });
      expect(result.warnings.join("\n")).toContain("no <ranking> tag");
      expect(result.iterations[0]).toMatchObject({ ranking: [] });
    })
  );

  it.effect("vote: a tie the arbiter cannot break goes to the first answer in member order", () =>
    Effect.gen(function* () {
      const client = scriptedClient((request, n): Step => {
        if (request.model === "judge") return { fail: fail("judge") };
        return { text: request.model === "a" ? (n === 0 ? "Yes." : "no") : "maybe" };
      });
      const result = yield* run(
        makeConfig({ judging: "vote", maxIterations: 1, limits: limits({ retries: 0 }) }),
        client
      );
      // a#1 "yes", a#2 "no", b#1 "maybe": a three-way tie
      expect(client.callsTo("judge")).toHaveLength(1);
      expect(result.synthesis).toMatchObject({ text: "Yes.", confidence: 1 / 3 });
      expect(result.iterations[0]).toMatchObject({ arbiter: null });
      expect(result.warnings.join("\n")).toContain("could not break the tie");
    })
  );

  it.effect("an unset method and an explicit synthesis send the same prompts and give the same result", () =>
    Effect.gen(function* () {
      const reply = (request: { model: string }): Step =>
        request.model === "judge"
          ? { text: arbiterReply({ synthesis: "Canberra.", confidence: 0.9 }) }
          : { text: `answer from ${request.model}` };
      const plain = scriptedClient(reply);
      const explicit = scriptedClient(reply);
      const a = yield* run(makeConfig(), plain);
      const b = yield* run(makeConfig({ judging: "synthesis" }), explicit);
      expect(explicit.calls.map((call) => call.request)).toEqual(plain.calls.map((call) => call.request));
      const { runId: _a, ...restA } = a;
      const { runId: _b, ...restB } = b;
      expect(JSON.stringify(restB)).toBe(JSON.stringify(restA));
    })
  );
});
