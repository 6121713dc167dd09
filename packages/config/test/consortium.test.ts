import { fileURLToPath } from "node:url";
import {
  BUILTIN_PROVIDERS,
  type ConsortiumConfig,
  consortiumFromObject,
  DEFAULT_LIMITS,
  loadConsortiumFile,
  parseConsortium
} from "@consortium/config";
import { describe, expect, it } from "@effect/vitest";
import * as Effect from "effect/Effect";
import * as Either from "effect/Either";

const repo = (path: string) => fileURLToPath(new URL(`../../../${path}`, import.meta.url));

const parse = (text: string): ConsortiumConfig => {
  const result = parseConsortium(text, "test.yaml");
  if (Either.isLeft(result)) throw new Error(result.left.issues.map((issue) => issue.message).join("\n"));
  return result.right;
};

const minimal = "name: t\nmembers: [openai/gpt-4.1-mini]\narbiter: openai/gpt-4.1\n";

describe("consortium files", () => {
  it("fills every default", () => {
    const config = parse(minimal);
    expect(config).toEqual({
      name: "t",
      description: undefined,
      members: [{ provider: "openai", model: "gpt-4.1-mini", count: 1 }],
      arbiter: { provider: "openai", model: "gpt-4.1", fallbacks: [] },
      confidenceThreshold: 0.8,
      minIterations: 1,
      maxIterations: 3,
      system: undefined,
      anonymize: true,
      prompts: { member: undefined, refine: undefined, arbiter: undefined },
      providers: BUILTIN_PROVIDERS,
      limits: DEFAULT_LIMITS,
      source: "test.yaml"
    });
    expect(DEFAULT_LIMITS).toEqual({
      concurrency: 8,
      timeoutMs: 120_000,
      retries: 3,
      quorum: 1,
      runTimeoutMs: 900_000
    });
  });

  it("adds up the same model listed twice, keeps different parameters apart", () => {
    const config = parse(`name: t
members:
  - openai/gpt-4.1-mini
  - openai/gpt-4.1-mini:2
  - {model: openai/gpt-4.1-mini, count: 2}
  - {model: openai/gpt-4.1-mini, temperature: 1.2}
  - ollama/qwen2.5:7b
  - ollama/qwen2.5:7b:2
arbiter: anthropic/claude-sonnet-4-5
providers: {ollama: {type: openai, base_url: "http://localhost:11434/v1"}}
`);
    expect(config.members).toEqual([
      { provider: "openai", model: "gpt-4.1-mini", count: 5 },
      { provider: "openai", model: "gpt-4.1-mini", temperature: 1.2, count: 1 },
      { provider: "ollama", model: "qwen2.5:7b", count: 3 }
    ]);
  });

  it("maps parameters, fallbacks, templates and durations", () => {
    const config = parse(`name: t
members:
  - {model: anthropic/claude-sonnet-4-5, temperature: 0.7, max_tokens: 1000, top_p: 0.9, system: Be brief.}
arbiter:
  model: claude-sonnet-4-5
  temperature: 0.1
  fallbacks: [gpt-4.1, openrouter/meta-llama/llama-3.1-70b]
system: Be careful.
anonymize: false
prompts: {member: "{{ prompt }}", refine: "{{previous_synthesis}} {{refinement_areas}}", arbiter: "{{responses}}"}
providers: {openrouter: {type: openai, base_url: "https://openrouter.ai/api/v1", api_key_env: OPENROUTER_API_KEY}}
limits: {timeout: 500ms, run_timeout: 2m, retries: 0, concurrency: 2, quorum: 1}
`);
    expect(config.members[0]).toEqual({
      provider: "anthropic",
      model: "claude-sonnet-4-5",
      temperature: 0.7,
      maxTokens: 1000,
      topP: 0.9,
      system: "Be brief.",
      count: 1
    });
    expect(config.arbiter).toEqual({
      provider: "anthropic",
      model: "claude-sonnet-4-5",
      temperature: 0.1,
      fallbacks: [
        { provider: "openai", model: "gpt-4.1" },
        { provider: "openrouter", model: "meta-llama/llama-3.1-70b" }
      ]
    });
    expect(config.system).toBe("Be careful.");
    expect(config.anonymize).toBe(false);
    expect(config.prompts.member).toBe("{{ prompt }}");
    expect(config.limits).toEqual({ concurrency: 2, timeoutMs: 500, retries: 0, quorum: 1, runTimeoutMs: 120_000 });
    expect(config.providers.openrouter).toEqual({
      name: "openrouter",
      type: "openai",
      baseUrl: "https://openrouter.ai/api/v1",
      apiKeyEnv: "OPENROUTER_API_KEY",
      concurrency: undefined
    });
  });

  it("merges a file's settings for a built-in provider field by field", () => {
    const config = parse(`${minimal}providers:\n  openai: {base_url: "http://127.0.0.1:9/v1", concurrency: 4}\n`);
    expect(config.providers.openai).toEqual({
      name: "openai",
      type: "openai",
      baseUrl: "http://127.0.0.1:9/v1",
      apiKeyEnv: "OPENAI_API_KEY",
      concurrency: 4
    });
    expect(config.providers.anthropic).toEqual(BUILTIN_PROVIDERS.anthropic);
  });

  it("a custom provider without api_key_env needs no key", () => {
    const config = parse(
      "name: t\nmembers: [ollama/llama3.1:8b]\narbiter: ollama/llama3.1:8b\nproviders: {ollama: {type: openai}}\n"
    );
    expect(config.providers.ollama?.apiKeyEnv).toBeUndefined();
    expect(config.providers.ollama?.baseUrl).toBeUndefined();
  });

  it.effect("loads the ready consortia with absolute sources", () =>
    Effect.gen(function* () {
      // the ready file's model names follow the providers' line-ups; its shape is what is checked here
      const research = yield* loadConsortiumFile(repo("consortia/research.yaml"));
      expect(research.name).toBe("research");
      expect(research.source).toBe(repo("consortia/research.yaml"));
      expect(new Set(research.members.map((m) => m.provider))).toEqual(new Set(["openai", "anthropic"]));
      expect(research.members.length).toBeGreaterThanOrEqual(3);
      expect(research.arbiter?.fallbacks.length).toBeGreaterThanOrEqual(1);
      expect(research.limits.quorum).toBeLessThan(research.members.reduce((sum, m) => sum + m.count, 0));
      const local = yield* loadConsortiumFile(repo("consortia/local.yaml"));
      expect(local.members).toEqual([
        { provider: "ollama", model: "qwen2.5:7b", count: 1 },
        { provider: "ollama", model: "llama3.1:8b", count: 1 }
      ]);
      expect(local.providers.ollama?.baseUrl).toBe("http://localhost:11434/v1");
      const vllm = yield* loadConsortiumFile(repo("examples/local/vllm.yaml"));
      expect(vllm.members[0]).toEqual({ provider: "vllm", model: "meta-llama/Llama-3.1-8B-Instruct", count: 2 });
    })
  );

  it.effect("a missing file is an error naming the file, without a position", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(loadConsortiumFile("nowhere/none.yaml"));
      expect(error.issues).toEqual([
        { file: "nowhere/none.yaml", line: 0, column: 0, path: "", message: "cannot read: no such file" }
      ]);
    })
  );
});

describe("consortiumFromObject", () => {
  it("validates a plain object the same way, without positions", () => {
    const result = consortiumFromObject({
      name: "t",
      members: ["openai/gpt-4.1-mini:2"],
      arbiter: "claude-sonnet-4-5"
    });
    expect(Either.getOrThrow(result).members).toEqual([{ provider: "openai", model: "gpt-4.1-mini", count: 2 }]);
    const bad = consortiumFromObject(
      { name: "t", members: ["llama3"], arbiter: "x/y", confidence_threshold: 90 },
      "api"
    );
    const issues = Either.getLeft(bad).pipe((left) => (left._tag === "Some" ? left.value.issues : []));
    expect(issues.map((issue) => [issue.file, issue.line, issue.column, issue.path])).toEqual([
      ["api", 0, 0, "/confidence_threshold"],
      ["api", 0, 0, "/members/0"],
      ["api", 0, 0, "/arbiter"]
    ]);
    expect(issues[0]!.message).toContain("write 0.9 for 90%");
  });

  it("ignores undefined fields and refuses cycles", () => {
    expect(
      Either.isRight(
        consortiumFromObject({ name: "t", members: ["gpt-4.1"], arbiter: "gpt-4.1", description: undefined })
      )
    ).toBe(true);
    const cyclic: Record<string, unknown> = { name: "t" };
    cyclic.self = cyclic;
    expect(Either.isLeft(consortiumFromObject(cyclic))).toBe(true);
  });
});
