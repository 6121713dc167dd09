import { gate, startFakeLlm } from "@consortium/testkit";
import { afterAll, beforeEach, describe, expect, it } from "@effect/vitest";
import { Effect, Fiber } from "effect";
import { makeLlmClient, SecretSet } from "../src/index.js";
import { anthropic, ask, envFor, openai } from "./fixtures.js";

// A call asked for its text as it comes streams it, and still answers exactly what the same call
// without streaming answers; the pieces come while the reply is still open, and an abort reaches the server.

const fake = await startFakeLlm();
afterAll(() => fake.close());
beforeEach(() => fake.reset());

const env = envFor(fake);
const TEXT =
  "<analysis>short</analysis>\n<synthesis>Canberra is the capital.</synthesis>\n<confidence>0.9</confidence>";

for (const [name, config, model] of [
  ["OpenAI", openai, "gpt-stream"],
  ["Anthropic", anthropic, "claude-stream"]
] as const) {
  describe(`${name} streaming`, () => {
    it.live("gives the same text and usage as the same call without streaming, piece by piece", () =>
      Effect.gen(function* () {
        fake.script(model, {
          text: TEXT,
          usage: { input: 31, output: 17, cached: 4 },
          stream: {
            pieces: [
              "<analysis>sh",
              "ort</analysis>\n<synth",
              "esis>Canberra is the capital.</synthesis>\n<confidence>0.9</confidence>"
            ]
          }
        });
        const client = makeLlmClient({ env });
        const whole = yield* client.complete(config, ask(model));
        const pieces: Array<string> = [];
        const streamed = yield* client.complete(config, ask(model), undefined, (delta) => pieces.push(delta));
        expect(streamed).toEqual(whole);
        expect(streamed.text).toBe(TEXT);
        expect(pieces.join("")).toBe(TEXT);
        expect(pieces.length).toBeGreaterThan(1);
        expect(fake.requests.map((request) => request.stream)).toEqual([false, true]);
        if (name === "OpenAI") expect(fake.requests[1]?.body.stream_options).toEqual({ include_usage: true });
      })
    );

    it.live("hands over the first piece while the server still holds the reply open", () =>
      Effect.gen(function* () {
        const release = gate();
        fake.script(model, { stream: { pieces: ["first ", "second"], holdAfterFirst: release.opened } });
        const firstSeen = gate();
        const pieces: Array<string> = [];
        const client = makeLlmClient({ env });
        const call = yield* Effect.fork(
          client.complete(config, ask(model), undefined, (delta) => {
            pieces.push(delta);
            firstSeen.open();
          })
        );
        // The fake sends nothing after "first " until released, so this only resolves on a live stream.
        yield* Effect.promise(() => firstSeen.opened);
        expect(pieces).toEqual(["first "]);
        expect(fake.requests[0]?.outcome).toBe("pending");
        release.open();
        const response = yield* Fiber.join(call);
        expect(response.text).toBe("first second");
        expect(pieces.join("")).toBe("first second");
      })
    );

    it.live("an interrupt mid-stream aborts the request at the server", () =>
      Effect.gen(function* () {
        const never = gate();
        fake.script(model, { stream: { pieces: ["one ", "two"], holdAfterFirst: never.opened } });
        const firstSeen = gate();
        const client = makeLlmClient({ env });
        const call = yield* Effect.fork(client.complete(config, ask(model), undefined, () => firstSeen.open()));
        yield* Effect.promise(() => firstSeen.opened);
        yield* Fiber.interrupt(call);
        yield* Effect.promise(() => fake.idle());
        expect(fake.requests[0]).toMatchObject({ outcome: "aborted", aborted: true });
      })
    );

    it.live("an attempt timeout mid-stream aborts the request and fails with AttemptTimeout", () =>
      Effect.gen(function* () {
        const never = gate();
        fake.script(model, { stream: { pieces: ["one ", "two"], holdAfterFirst: never.opened } });
        const client = makeLlmClient({ env });
        const error = yield* Effect.flip(client.complete(config, ask(model), { timeoutMs: 200 }, () => {}));
        expect(error._tag).toBe("AttemptTimeout");
        yield* Effect.promise(() => fake.idle());
        expect(fake.requests[0]).toMatchObject({ outcome: "aborted", aborted: true });
      })
    );
  });
}

describe("streamed text and secrets", () => {
  it.live("a key the server echoes is scrubbed from the pieces too, even split across them", () =>
    Effect.gen(function* () {
      const key = env.OPENAI_API_KEY!;
      const text = `the key is ${key} ok`;
      const cut = text.indexOf(key) + 5;
      fake.script("gpt-echo", { stream: { pieces: [text.slice(0, cut), text.slice(cut)] } });
      const pieces: Array<string> = [];
      const response = yield* makeLlmClient({ env }).complete(openai, ask("gpt-echo"), undefined, (delta) =>
        pieces.push(delta)
      );
      expect(response.text).toBe("the key is [redacted] ok");
      expect(pieces.join("")).toBe(response.text);
      expect(pieces.some((piece) => piece.includes(key.slice(0, 5)))).toBe(false);
    })
  );

  it("the streaming scrubber joins to what scrub gives for every cut of the text", () => {
    const secrets = new SecretSet();
    secrets.add(["secret-value-1", "value-1-and-more"]);
    const text = "a secret-value-1 b secret-val c value-1-and-more d secret-value-1";
    for (let cut = 0; cut <= text.length; cut++) {
      for (let second = cut; second <= text.length; second += 7) {
        const scrubber = secrets.scrubber();
        const out =
          scrubber.push(text.slice(0, cut)) +
          scrubber.push(text.slice(cut, second)) +
          scrubber.push(text.slice(second)) +
          scrubber.end();
        expect(out).toBe(secrets.scrub(text));
      }
    }
  });
});
