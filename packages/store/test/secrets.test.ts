import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { RunLog } from "@consortium/engine";
import { Store, StoreRunLog } from "@consortium/store";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "@effect/vitest";
import { Effect } from "effect";
import { redact, secretsFrom } from "../src/redact.js";
import { arbiterCall, callsOfRun, config, memberCall, runEnded, runStarted, tempDir } from "./fixtures.js";

const tmp = tempDir();
afterAll(tmp.cleanup);

const CANARY = "sk-canary-7f3a9c1e5b2d4f6a8c0e";
const CUSTOM_CANARY = "vllm-canary-91b2c3d4e5f6";
const MARKER = "What is the capital of Australia?";

const found = (path: string, needle: string): boolean =>
  existsSync(path) && readFileSync(path).includes(Buffer.from(needle, "utf8"));

describe("secrets", () => {
  const saved = { ...process.env };
  beforeEach(() => {
    process.env.OPENAI_API_KEY = CANARY;
    process.env.VLLM_AUTH = CUSTOM_CANARY;
  });
  afterEach(() => {
    process.env = { ...saved };
  });

  it("secretsFrom picks key-like variables and named ones, ignoring short values", () => {
    expect(
      secretsFrom(
        {
          OPENAI_API_KEY: CANARY,
          GH_TOKEN: "ghp_0123456789",
          SHORT_KEY: "abc",
          HOME: "/home/someone",
          CUSTOM: "custom-secret-value"
        },
        ["CUSTOM"]
      )
    ).toEqual(["custom-secret-value", CANARY, "ghp_0123456789"].sort((a, b) => b.length - a.length));
    expect(redact(`Incorrect API key provided: ${CANARY}. And again ${CANARY}`, [CANARY])).toBe(
      "Incorrect API key provided: [REDACTED]. And again [REDACTED]"
    );
  });

  it.effect("a canary key in the environment is found nowhere in the database or its WAL", () => {
    const path = join(tmp.dir, "canary.db");
    const withCustomProvider = config({
      providers: {
        ...config().providers,
        vllm: {
          name: "vllm",
          type: "openai",
          baseUrl: "http://127.0.0.1:8000/v1",
          apiKeyEnv: "VLLM_AUTH",
          concurrency: undefined
        }
      }
    });
    return Effect.gen(function* () {
      yield* Effect.gen(function* () {
        const log = yield* RunLog;
        // An ordinary run, as the engine records it: no key anywhere in the records.
        yield* log.runStarted(runStarted("clean", { config: withCustomProvider }));
        for (const call of callsOfRun("clean")) yield* log.callEnded(call);
        yield* log.runEnded(runEnded("clean", "completed"));
        // A run where a provider's error and a model's answer echo keys back.
        yield* log.runStarted(runStarted("leaky", { config: withCustomProvider }));
        yield* log.callEnded(
          memberCall("leaky", 1, 1, {
            text: null,
            error: { type: "AuthFailed", message: `401 Incorrect API key provided: ${CANARY}` }
          })
        );
        yield* log.callEnded(memberCall("leaky", 1, 2, { text: `Your key is ${CUSTOM_CANARY}, keep it safe.` }));
        yield* log.callEnded(arbiterCall("leaky", 1));
        yield* log.runEnded(
          runEnded("leaky", "failed", { error: `arbiter failed: 401 Incorrect API key provided: ${CANARY}` })
        );
        // Checked while the database is open, when the WAL holds the recent pages.
        expect(existsSync(`${path}-wal`)).toBe(true);
        expect(found(path, MARKER) || found(`${path}-wal`, MARKER)).toBe(true);
        for (const file of [path, `${path}-wal`]) {
          expect(found(file, CANARY)).toBe(false);
          expect(found(file, CUSTOM_CANARY)).toBe(false);
        }
        const leaky = yield* (yield* Store).getRun("leaky");
        expect(leaky.calls[0]?.error?.message).toBe("401 Incorrect API key provided: [REDACTED]");
        expect(leaky.calls[1]?.text).toBe("Your key is [REDACTED], keep it safe.");
        expect(leaky.error).toBe("arbiter failed: 401 Incorrect API key provided: [REDACTED]");
      }).pipe(Effect.provide(StoreRunLog.layerWithStore(path)));
      // And after close, when the WAL has been folded into the file.
      expect(found(path, MARKER)).toBe(true);
      expect(found(path, CANARY)).toBe(false);
      expect(found(path, CUSTOM_CANARY)).toBe(false);
    });
  });
});
