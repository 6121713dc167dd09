import type { ProviderConfig } from "@consortium/config";
import { describe, expect, it } from "@effect/vitest";
import { Effect, Either } from "effect";
import { baseUrlOf, InvalidBaseUrl, keyVariableOf, MissingApiKey, preflight, UnknownProvider } from "../src/index.js";

const provider = (name: string, type: ProviderConfig["type"], rest: Partial<ProviderConfig> = {}): ProviderConfig => ({
  name,
  type,
  baseUrl: undefined,
  apiKeyEnv: undefined,
  concurrency: undefined,
  ...rest
});

const providers: Record<string, ProviderConfig> = {
  openai: provider("openai", "openai", { apiKeyEnv: "OPENAI_API_KEY" }),
  // Built-ins also work when the loader leaves apiKeyEnv undefined.
  anthropic: provider("anthropic", "anthropic"),
  ollama: provider("ollama", "openai", { baseUrl: "http://localhost:11434/v1" }),
  openrouter: provider("openrouter", "openai", { baseUrl: "https://openrouter.ai/api/v1", apiKeyEnv: "OPENROUTER_KEY" })
};

describe("preflight", () => {
  it.effect("passes when every provider exists and every needed key is set", () =>
    Effect.gen(function* () {
      yield* preflight(
        providers,
        [
          { provider: "openai", model: "gpt-4.1-mini" },
          { provider: "anthropic", model: "claude-x" },
          { provider: "ollama", model: "qwen2.5:7b" },
          { provider: "openrouter", model: "meta-llama/llama-3.1-70b" }
        ],
        { OPENAI_API_KEY: "k1", ANTHROPIC_API_KEY: "k2", OPENROUTER_KEY: "k3" }
      );
    })
  );

  it.effect("names the unknown provider and the known ones", () =>
    Effect.gen(function* () {
      const result = yield* Effect.either(
        preflight(providers, [{ provider: "groq", model: "llama" }], { OPENAI_API_KEY: "k" })
      );
      expect(result).toEqual(
        Either.left(new UnknownProvider({ provider: "groq", known: ["anthropic", "ollama", "openai", "openrouter"] }))
      );
    })
  );

  it.effect("names the missing variable, counting an empty one as missing", () =>
    Effect.gen(function* () {
      const refs = [
        { provider: "openai", model: "gpt-4.1-mini" },
        { provider: "anthropic", model: "claude-x" }
      ];
      const missing = yield* Effect.flip(preflight(providers, refs, { OPENAI_API_KEY: "k", ANTHROPIC_API_KEY: "" }));
      expect(missing).toEqual(new MissingApiKey({ provider: "anthropic", variable: "ANTHROPIC_API_KEY" }));
      const custom = yield* Effect.flip(preflight(providers, [{ provider: "openrouter", model: "m" }], {}));
      expect(custom).toEqual(new MissingApiKey({ provider: "openrouter", variable: "OPENROUTER_KEY" }));
    })
  );

  it.effect("does not mistake inherited object keys for providers", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(preflight(providers, [{ provider: "toString", model: "m" }], {}));
      expect(error._tag).toBe("UnknownProvider");
    })
  );

  it.effect("reports the first problem in reference order", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(
        preflight(
          providers,
          [
            { provider: "openai", model: "a" },
            { provider: "nope", model: "b" }
          ],
          {}
        )
      );
      expect(error).toEqual(new MissingApiKey({ provider: "openai", variable: "OPENAI_API_KEY" }));
    })
  );
});

describe("provider environment", () => {
  it("finds key variables for built-ins and custom providers", () => {
    expect(keyVariableOf(providers.openai!)).toBe("OPENAI_API_KEY");
    expect(keyVariableOf(providers.anthropic!)).toBe("ANTHROPIC_API_KEY");
    expect(keyVariableOf(providers.ollama!)).toBeUndefined();
    expect(keyVariableOf(providers.openrouter!)).toBe("OPENROUTER_KEY");
  });

  it("takes base_url from the file, then *_BASE_URL for built-ins, then the vendor's endpoint", () => {
    const env = { OPENAI_BASE_URL: "http://proxy/v1", ANTHROPIC_BASE_URL: "" };
    expect(baseUrlOf(providers.openai!, env)).toBe("http://proxy/v1");
    expect(baseUrlOf(providers.anthropic!, env)).toBe("https://api.anthropic.com");
    expect(baseUrlOf(providers.ollama!, env)).toBe("http://localhost:11434/v1");
    expect(baseUrlOf(provider("openai", "openai", { baseUrl: "http://file/v1" }), env)).toBe("http://file/v1");
    // A custom provider never reads the built-in's variable.
    expect(baseUrlOf(provider("corp", "openai"), env)).toBe("https://api.openai.com/v1");
  });
});

describe("preflight: base URLs", () => {
  const openaiOnly = { openai: provider("openai", "openai", { apiKeyEnv: "OPENAI_API_KEY" }) };
  const refs = [{ provider: "openai", model: "gpt-4.1-mini" }];

  it.effect.each([
    ["http://[::1/v1", "is not a valid URL"],
    ["http://alice:hunter2hunter2@proxy.example/v1", "contains credentials"],
    // no http(s) scheme: the SDK would only fail at the first call, retrying it as a connection error
    ["notaurl", "must be an http:// or https:// URL"],
    ["http//x", "must be an http:// or https:// URL"],
    ["ftp://h/v1", "must be an http:// or https:// URL"]
  ])("OPENAI_BASE_URL=%s is refused before any call, without repeating the URL", ([url, problem]) =>
    Effect.gen(function* () {
      const result = yield* Effect.either(preflight(openaiOnly, refs, { OPENAI_API_KEY: "k", OPENAI_BASE_URL: url }));
      expect(Either.isLeft(result)).toBe(true);
      const error = Either.getLeft(result).pipe((o) => (o._tag === "Some" ? o.value : undefined));
      expect(error).toBeInstanceOf(InvalidBaseUrl);
      expect(error).toMatchObject({ provider: "openai", source: "OPENAI_BASE_URL" });
      expect((error as InvalidBaseUrl).problem).toContain(problem);
      expect(JSON.stringify(error)).not.toContain("hunter2");
    })
  );
});
