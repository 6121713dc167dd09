import type { RawConsortium } from "@consortium/config";
import { describe, expect, expectTypeOf, it } from "@effect/vitest";
import { createConsortium, InvalidConsortiumError } from "../src/Consortium.js";
import { type CamelCased, type ConsortiumSpecData, toFileShape } from "../src/spec.js";

describe("createConsortium's spec, derived from the file's types", () => {
  it("has every file field in camelCase, members as models", () => {
    type FileKeys = Exclude<keyof RawConsortium, "$schema" | "members">;
    type Expected = keyof CamelCased<Pick<RawConsortium, FileKeys>> | "models";
    expectTypeOf<keyof ConsortiumSpecData>().toEqualTypeOf<Expected>();
    expectTypeOf<NonNullable<ConsortiumSpecData["limits"]>>().toHaveProperty("runTimeout");
    expectTypeOf<NonNullable<ConsortiumSpecData["limits"]>["runTimeout"]>().toEqualTypeOf<
      string | number | undefined
    >();
  });

  it("turns keys back to snake_case, leaving provider names as written", () => {
    expect(
      toFileShape({
        models: [{ model: "myLocal/m", maxTokens: 5, topP: 0.5 }],
        arbiter: { model: "myLocal/j", fallbacks: ["myLocal/k"] },
        providers: { myLocal: { type: "openai", baseUrl: "http://127.0.0.1:1/v1", apiKeyEnv: "MY_KEY" } },
        limits: { runTimeout: "2m" }
      })
    ).toEqual({
      name: "consortium",
      members: [{ model: "myLocal/m", max_tokens: 5, top_p: 0.5 }],
      arbiter: { model: "myLocal/j", fallbacks: ["myLocal/k"] },
      providers: { myLocal: { type: "openai", base_url: "http://127.0.0.1:1/v1", api_key_env: "MY_KEY" } },
      limits: { run_timeout: "2m" }
    });
  });

  it("goes through the loader: camelCase settings arrive in the config", () => {
    const consortium = createConsortium({
      name: "built",
      models: ["myLocal/m:2"],
      arbiter: "myLocal/j",
      providers: { myLocal: { type: "openai", baseUrl: "http://127.0.0.1:1/v1", concurrency: 2 } },
      limits: { runTimeout: "2m", quorum: 2 }
    });
    expect(consortium.config.providers.myLocal).toMatchObject({ baseUrl: "http://127.0.0.1:1/v1", concurrency: 2 });
    expect(consortium.config.limits).toMatchObject({ runTimeoutMs: 120_000, quorum: 2 });
  });
});

describe("createConsortium with a member that is a whole consortium", () => {
  it("is refused where it is written, naming the file it cannot read, instead of failing every run", () => {
    const build = () =>
      createConsortium({
        name: "outer",
        models: ["myLocal/m", { consortium: "inner.yaml", count: 1 }],
        arbiter: "myLocal/j",
        providers: { myLocal: { type: "openai", baseUrl: "http://127.0.0.1:1/v1" } }
      });
    expect(build).toThrow(InvalidConsortiumError);
    expect(build).toThrow(/includes consortium "inner\.yaml".*loadConsortium\(file\)/);
  });
});
