import { startFakeLlm } from "@consortium/testkit";
import { afterAll, beforeEach, describe, expect, it } from "@effect/vitest";
import { Effect, Layer } from "effect";
import { DEFAULT_MAX_TOKENS, LlmClient, layerLlmClient, makeLlmClient } from "../src/index.js";
import {
  ANTHROPIC_CANARY,
  anthropic,
  ask,
  complete,
  completeWith,
  envFor,
  OPENAI_CANARY,
  openai,
  provider
} from "./fixtures.js";

const fake = await startFakeLlm();
afterAll(() => fake.close());
beforeEach(() => fake.reset());

const env = envFor(fake);
const live = layerLlmClient({ env });

describe("OpenAI protocol", () => {
  it.live("returns the text and usage, and sends system, parameters and the key", () =>
    Effect.gen(function* () {
      fake.script("gpt-test", { text: "Canberra.", usage: { input: 21, output: 4 } });
      const response = yield* complete(
        openai,
        ask("gpt-test", "Capital?", { system: "Be exact.", temperature: 0.3, topP: 0.8, maxTokens: 64 })
      );
      expect(response).toEqual({ text: "Canberra.", usage: { inputTokens: 21, outputTokens: 4 } });

      const [request] = fake.requests;
      expect(request?.protocol).toBe("openai");
      expect(request?.body).toEqual({
        model: "gpt-test",
        messages: [
          { role: "system", content: "Be exact." },
          { role: "user", content: "Capital?" }
        ],
        temperature: 0.3,
        top_p: 0.8,
        // The built-in provider uses the current name of the limit.
        max_completion_tokens: 64
      });
      expect(request?.headers.authorization).toBe(`Bearer ${OPENAI_CANARY}`);
    }).pipe(Effect.provide(live))
  );

  it.live("gives custom providers max_tokens, their base_url, and a placeholder key when none is needed", () =>
    Effect.gen(function* () {
      const ollama = provider("ollama", "openai", { baseUrl: fake.openaiBaseUrl });
      const response = yield* complete(ollama, ask("qwen2.5:7b", "hi", { maxTokens: 32 }));
      expect(response.text).toBe("Fake answer from qwen2.5:7b: hi");
      const [request] = fake.requests;
      expect(request?.model).toBe("qwen2.5:7b");
      expect(request?.body.max_tokens).toBe(32);
      expect(request?.body).not.toHaveProperty("max_completion_tokens");
      expect(request?.headers.authorization).toBe("Bearer unused");
    }).pipe(Effect.provide(layerLlmClient({ env: {} })))
  );

  it.live("reads a custom provider's key from its own variable", () =>
    Effect.gen(function* () {
      const corp = provider("corp", "openai", { baseUrl: fake.openaiBaseUrl, apiKeyEnv: "CORP_KEY" });
      yield* completeWith({ CORP_KEY: "corp-secret-value" })(corp, ask("m"));
      expect(fake.requests[0]?.headers.authorization).toBe("Bearer corp-secret-value");
    })
  );
});

describe("Anthropic protocol", () => {
  it.live("returns the text and usage, sends system and the default max_tokens", () =>
    Effect.gen(function* () {
      fake.script("claude-test", { text: "Canberra.", usage: { input: 30, output: 5 } });
      const response = yield* complete(anthropic, ask("claude-test", "Capital?", { system: "Be exact." }));
      expect(response).toEqual({ text: "Canberra.", usage: { inputTokens: 30, outputTokens: 5 } });
      const [request] = fake.requests;
      expect(request?.protocol).toBe("anthropic");
      expect(request?.body).toEqual({
        model: "claude-test",
        max_tokens: DEFAULT_MAX_TOKENS,
        system: "Be exact.",
        messages: [{ role: "user", content: "Capital?" }]
      });
      expect(JSON.stringify(request?.headers)).toContain(ANTHROPIC_CANARY);
      // Without sampling parameters the SDK's current API version goes out.
      expect(request?.headers["anthropic-version"]).not.toBe("2023-06-01");
    }).pipe(Effect.provide(live))
  );

  it.live("sends temperature on the API version that still accepts it", () =>
    Effect.gen(function* () {
      yield* complete(anthropic, ask("claude-test", "hi", { temperature: 0.7, maxTokens: 50 }));
      const [request] = fake.requests;
      expect(request?.body).toMatchObject({ temperature: 0.7, max_tokens: 50 });
      expect(request?.headers["anthropic-version"]).toBe("2023-06-01");
    }).pipe(Effect.provide(live))
  );
});

describe("the live client", () => {
  it.live("reads each provider's key once, on first use, and reuses its SDK client", () =>
    Effect.gen(function* () {
      const mutableEnv: Record<string, string | undefined> = { ...env };
      const client = makeLlmClient({ env: mutableEnv });
      yield* client.complete(openai, ask("m"));
      mutableEnv.OPENAI_API_KEY = "sk-changed-later";
      yield* client.complete(openai, ask("m"));
      expect(fake.requests.map((request) => request.headers.authorization)).toEqual([
        `Bearer ${OPENAI_CANARY}`,
        `Bearer ${OPENAI_CANARY}`
      ]);
    })
  );

  it.live("fails with AuthFailed, without calling out, when the key variable is unset", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(completeWith({ OPENAI_BASE_URL: fake.openaiBaseUrl })(openai, ask("m")));
      expect(error._tag).toBe("AuthFailed");
      expect(error.message).toBe("openai/m: OPENAI_API_KEY is not set");
      expect(fake.stats.calls).toBe(0);
    })
  );

  it.live("is provided by a layer", () =>
    Effect.gen(function* () {
      const client = yield* LlmClient;
      const response = yield* client.complete(anthropic, ask("claude-layer", "ping"));
      expect(response.text).toBe("Fake answer from claude-layer: ping");
    }).pipe(Effect.provide(Layer.fresh(live)))
  );

  it.live("keeps 64 calls in flight at once across both protocols without errors", () =>
    Effect.gen(function* () {
      // Replies are held until 64 requests are waiting, so the peak is exactly what the client
      // managed to put in flight, however slow the machine. A 2 s escape hatch turns a client that
      // cannot reach 64 into a failed assertion rather than a hung test.
      const held: Array<() => void> = [];
      let escapeHatch: NodeJS.Timeout | undefined;
      const releaseAll = () => {
        clearTimeout(escapeHatch);
        for (const release of held.splice(0)) release();
      };
      const gate = () =>
        new Promise<{ text: string }>((resolve) => {
          held.push(() => resolve({ text: "ok" }));
          if (held.length === 1) escapeHatch = setTimeout(releaseAll, 2_000);
          if (held.length === 64) releaseAll();
        });
      fake.script("gpt-load", gate);
      fake.script("claude-load", gate);
      const client = makeLlmClient({ env });
      const calls = Array.from({ length: 192 }, (_, i) =>
        i % 2 === 0 ? client.complete(openai, ask("gpt-load")) : client.complete(anthropic, ask("claude-load"))
      );
      const responses = yield* Effect.all(calls, { concurrency: 64 });
      expect(responses.every((response) => response.text === "ok")).toBe(true);
      expect(fake.stats).toMatchObject({ calls: 192, maxInFlight: 64, aborted: 0 });
    })
  );
});
