import { createServer } from "node:net";
import type { ProviderConfig } from "@consortium/config";
import { type Fault, startFakeLlm } from "@consortium/testkit";
import { afterAll, beforeEach, describe, expect, it } from "@effect/vitest";
import { Cause, Effect, Either, Fiber } from "effect";
import { MAX_REPLY_BYTES } from "../src/httpFetch.js";
import { isRetryable, type LlmError, makeLlmClient } from "../src/index.js";
import { ANTHROPIC_CANARY, anthropic, ask, envFor, OPENAI_CANARY, openai, provider } from "./fixtures.js";

const fake = await startFakeLlm();
afterAll(() => fake.close());
beforeEach(() => fake.reset());

const client = makeLlmClient({ env: envFor(fake) });

/** Scripts one fault for `model` and returns the error the client turns it into. */
const failWith = (config: ProviderConfig, fault: Fault, model = "m") =>
  Effect.gen(function* () {
    fake.script(model, { fault });
    return yield* Effect.flip(client.complete(config, ask(model)));
  });

const protocols = [
  { config: openai, label: "openai", canary: OPENAI_CANARY, keyVariable: "OPENAI_API_KEY" },
  { config: anthropic, label: "anthropic", canary: ANTHROPIC_CANARY, keyVariable: "ANTHROPIC_API_KEY" }
] as const;

describe.each(protocols)("$label errors", ({ config, label, keyVariable }) => {
  it.live("429 with Retry-After seconds → RateLimited with retryAfterMs", () =>
    Effect.gen(function* () {
      const error = yield* failWith(config, { type: "status", status: 429, retryAfter: 2 });
      expect(error).toMatchObject({ _tag: "RateLimited", provider: label, model: "m", retryAfterMs: 2000 });
      expect(error.message).toBe(`${label}/m: 429 rate limited (retry after 2s)`);
      expect(isRetryable(error)).toBe(true);
    })
  );

  it.live("429 with retry-after-ms, an HTTP date, or nothing", () =>
    Effect.gen(function* () {
      const ms = yield* failWith(config, { type: "status", status: 429, retryAfterMs: 1500, retryAfter: 9 });
      expect(ms).toMatchObject({ _tag: "RateLimited", retryAfterMs: 1500 });
      expect(ms.message).toBe(`${label}/m: 429 rate limited (retry after 1.5s)`);

      const date = new Date(Date.now() + 3000).toUTCString();
      const dated = yield* failWith(config, { type: "status", status: 429, retryAfter: date });
      expect(dated._tag).toBe("RateLimited");
      const wait = (dated as Extract<LlmError, { _tag: "RateLimited" }>).retryAfterMs ?? -1;
      // HTTP dates have one-second resolution.
      expect(wait).toBeGreaterThanOrEqual(1000);
      expect(wait).toBeLessThanOrEqual(3000);

      const bare = yield* failWith(config, { type: "status", status: 429 });
      expect(bare).toMatchObject({ _tag: "RateLimited", retryAfterMs: undefined });
      expect(bare.message).toBe(`${label}/m: 429 rate limited`);
    })
  );

  it.live("5xx, 529, 408 and 409 → ServerError with status and any Retry-After", () =>
    Effect.gen(function* () {
      for (const status of [500, 502, 503, 529, 408, 409]) {
        const error = yield* failWith(config, { type: "status", status, retryAfter: 1, message: "busy right now" });
        expect(error).toMatchObject({ _tag: "ServerError", status, retryAfterMs: 1000 });
        expect(isRetryable(error)).toBe(true);
      }
      const overloaded = yield* failWith(config, { type: "status", status: 529, message: "Overloaded" });
      expect(overloaded.message).toBe(`${label}/m: 529 overloaded: Overloaded`);
      const plain = yield* failWith(config, { type: "status", status: 500, message: "The server had an error" });
      expect(plain.message).toBe(`${label}/m: 500 server error: The server had an error`);
    })
  );

  it.live("401 and 403 → AuthFailed naming the key variable, never retried", () =>
    Effect.gen(function* () {
      for (const status of [401, 403]) {
        const error = yield* failWith(config, { type: "status", status, message: "invalid x-api-key" });
        expect(error).toMatchObject({ _tag: "AuthFailed", status });
        expect(error.message).toBe(
          `${label}/m: ${status} authentication failed (check ${keyVariable}): invalid x-api-key`
        );
        expect(isRetryable(error)).toBe(false);
      }
    })
  );

  it.live("other 4xx → RequestRejected with the server's explanation", () =>
    Effect.gen(function* () {
      for (const status of [400, 404, 413, 422]) {
        const error = yield* failWith(config, { type: "status", status, message: "model: unknown model 'm'" });
        expect(error).toMatchObject({ _tag: "RequestRejected", status });
        expect(error.message).toBe(`${label}/m: ${status} request rejected: model: unknown model 'm'`);
        expect(isRetryable(error)).toBe(false);
      }
      const html = yield* failWith(config, { type: "status", status: 400, body: "<html>\n<b>Bad</b>\n</html>" });
      expect(html.message).not.toContain("\n");
      expect(html.message).toContain("400 request rejected");
    })
  );

  it.live("a reset connection → ConnectionFailed", () =>
    Effect.gen(function* () {
      const error = yield* failWith(config, { type: "reset" });
      expect(error._tag).toBe("ConnectionFailed");
      expect(error.message).toMatch(new RegExp(`^${label}/m: connection failed: `));
      expect(isRetryable(error)).toBe(true);
    })
  );

  it.live("a refused connection → ConnectionFailed naming the cause", () =>
    Effect.gen(function* () {
      const port = yield* Effect.promise(freePort);
      const base = config.type === "openai" ? `http://127.0.0.1:${port}/v1` : `http://127.0.0.1:${port}`;
      const nowhere = provider(`${label}-down`, config.type, { baseUrl: base });
      const error = yield* Effect.flip(client.complete(nowhere, ask("m")));
      expect(error._tag).toBe("ConnectionFailed");
      expect(error.message).toContain("ECONNREFUSED");
    })
  );

  it.live("200 with a body that is not a completion → MalformedResponse", () =>
    Effect.gen(function* () {
      const truncated = yield* failWith(config, { type: "malformed" });
      expect(truncated._tag).toBe("MalformedResponse");
      expect(truncated.message).toMatch(new RegExp(`^${label}/m: malformed response: invalid JSON`));

      const empty = yield* failWith(config, { type: "malformed", body: "{}" });
      expect(empty._tag).toBe("MalformedResponse");

      const html = yield* failWith(config, { type: "malformed", body: "<html>ok</html>", contentType: "text/html" });
      expect(html._tag).toBe("MalformedResponse");
      expect(html.message).toContain("expected a JSON object");
      expect(isRetryable(html)).toBe(false);
    })
  );

  it.live("a reply larger than the cap is cut off → MalformedResponse, not retried, whole or streamed", () =>
    Effect.gen(function* () {
      fake.script("m", { text: "x".repeat(MAX_REPLY_BYTES + 1024) });
      const whole = yield* Effect.flip(client.complete(config, ask("m")));
      expect(whole._tag).toBe("MalformedResponse");
      expect(whole.message).toBe(`${label}/m: the reply is larger than 16 MB: it was cut off`);
      expect(isRetryable(whole)).toBe(false);
      const pieces: Array<string> = [];
      const streamed = yield* Effect.flip(client.complete(config, ask("m"), undefined, (delta) => pieces.push(delta)));
      expect(streamed._tag).toBe("MalformedResponse");
      expect(streamed.message).toContain("larger than 16 MB");
    })
  );

  it.live("an empty answer → MalformedResponse, not an empty success", () =>
    Effect.gen(function* () {
      fake.script("m", { text: "" });
      const error = yield* Effect.flip(client.complete(config, ask("m")));
      expect(error._tag).toBe("MalformedResponse");
      expect(error.message).toContain("empty answer");
    })
  );

  it.live("a timeout aborts the HTTP request for real", () =>
    Effect.gen(function* () {
      fake.script("slow", { fault: { type: "hang" } });
      const started = performance.now();
      const result = yield* client.complete(config, ask("slow")).pipe(Effect.timeout("150 millis"), Effect.either);
      expect(Either.isLeft(result) && result.left._tag).toBe("TimeoutException");
      expect(performance.now() - started).toBeLessThan(1_000);
      yield* Effect.promise(() => fake.idle(2_000));
      expect(fake.requests).toHaveLength(1);
      expect(fake.requests[0]).toMatchObject({ model: "slow", outcome: "aborted", aborted: true });
      expect(fake.stats.inFlight).toBe(0);
    })
  );

  it.live("interrupting the fiber aborts a request waiting on latency", () =>
    Effect.gen(function* () {
      fake.script("slow", { text: "too late", latencyMs: 5_000 });
      const fiber = yield* Effect.fork(client.complete(config, ask("slow")));
      yield* Effect.promise(() => waitUntil(() => fake.stats.inFlight === 1));
      yield* Fiber.interrupt(fiber);
      yield* Effect.promise(() => fake.idle(2_000));
      expect(fake.requests[0]).toMatchObject({ outcome: "aborted", aborted: true });
    })
  );
});

describe("secrets", () => {
  it.live("no key appears in any error, even when the server echoes it back", () =>
    Effect.gen(function* () {
      // A fresh client: each provider's key is read on its first call, as in a real run.
      const fresh = makeLlmClient({ env: envFor(fake) });
      const errors: Array<LlmError> = [];
      for (const { config, canary } of protocols) {
        const faults: Array<Fault> = [
          { type: "status", status: 401, message: `Incorrect API key provided: ${canary}` },
          { type: "status", status: 403, message: `key ${canary} lacks access` },
          { type: "status", status: 400, body: `key=${canary}` },
          { type: "status", status: 500, message: `upstream said ${canary}` },
          { type: "status", status: 429, retryAfter: 1 },
          { type: "reset" },
          { type: "malformed" },
          { type: "malformed", body: JSON.stringify({ echo: canary }) }
        ];
        for (const fault of faults) {
          fake.script("m", { fault });
          errors.push(yield* Effect.flip(fresh.complete(config, ask("m"))));
        }
      }
      expect(errors.filter((error) => error.message.includes("[redacted]")).length).toBe(8);

      // The keys were really sent, so finding none below is not a vacuous pass.
      const sent = JSON.stringify(fake.requests.map((request) => request.headers));
      expect(sent).toContain(OPENAI_CANARY);
      expect(sent).toContain(ANTHROPIC_CANARY);

      for (const error of errors) {
        const renderings = [error.message, String(error), JSON.stringify(error), Cause.pretty(Cause.fail(error))];
        for (const text of renderings) {
          expect(text).not.toContain(OPENAI_CANARY);
          expect(text).not.toContain(ANTHROPIC_CANARY);
        }
        expect(error.message).not.toContain("\n");
      }
    })
  );

  it.live("no key appears in a response", () =>
    Effect.gen(function* () {
      for (const { config } of protocols) {
        const response = yield* client.complete(config, ask("m"));
        expect(JSON.stringify(response)).not.toMatch(/canary/);
      }
    })
  );
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function waitUntil(condition: () => boolean, timeoutMs = 2_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
