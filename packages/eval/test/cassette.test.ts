import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { currentCallSite } from "@consortium/engine";
import { isRetryable, LlmClient, type LlmRequest, ServerError } from "@consortium/providers";
import { it } from "@effect/vitest";
import { Effect, Either, Exit, Layer, Logger } from "effect";
import { describe, expect } from "vitest";
import { withCallScope } from "../src/callScope.js";
import { Cassette } from "../src/cassette/Cassette.js";
import { type CassetteEntry, fingerprint, parseCassette, serializeCassette } from "../src/cassette/format.js";
import { memoryClient, provider, reply } from "./memoryClient.js";

const openai = provider("openai");
const request = (content: string, extra: Partial<LlmRequest> = {}): LlmRequest => ({
  provider: "openai",
  model: "gpt-4.1-mini",
  messages: [{ role: "user", content }],
  ...extra
});

const tempPath = () => join(mkdtempSync(join(tmpdir(), "eval-cassette-")), "suite.cassette.jsonl");

const complete = (req: LlmRequest) => Effect.flatMap(LlmClient, (client) => client.complete(openai, req));

describe("fingerprint", () => {
  it("ignores key order and undefined members, and changes with anything that matters", () => {
    const base = fingerprint("openai", request("hi", { temperature: 0.2 }));
    expect(
      fingerprint("openai", {
        temperature: 0.2,
        messages: [{ content: "hi", role: "user" }],
        model: "gpt-4.1-mini",
        provider: "openai",
        topP: undefined
      })
    ).toBe(base);
    expect(fingerprint("openai", request("hi", { temperature: 0.3 }))).not.toBe(base);
    expect(fingerprint("openai", request("hi!", { temperature: 0.2 }))).not.toBe(base);
    expect(fingerprint("azure", request("hi", { temperature: 0.2 }))).not.toBe(base);
    expect(fingerprint("openai", request("hi", { temperature: 0.2, system: "be brief" }))).not.toBe(base);
  });
});

describe("cassette file", () => {
  const entry = (caseId: string, occurrence: number, text: string): CassetteEntry => ({
    case: caseId,
    target: "research",
    key: fingerprint("openai", request(caseId)),
    occurrence,
    provider: "openai",
    model: "gpt-4.1-mini",
    request: { messages: [{ role: "user", content: caseId }], temperature: 0.5 },
    response: reply(text)
  });

  it("serialises sorted, one entry a line, the same bytes whatever the input order", () => {
    const entries = [entry("b", 1, "B2"), entry("a", 0, "A"), entry("b", 0, "B1")];
    const text = serializeCassette(entries);
    expect(serializeCassette([...entries].reverse())).toBe(text);
    const lines = text.trimEnd().split("\n");
    expect(lines.map((line) => JSON.parse(line).response.text)).toEqual(["A", "B1", "B2"]);
    expect(Object.keys(JSON.parse(lines[0]!))).toEqual([
      "case",
      "target",
      "key",
      "occurrence",
      "provider",
      "model",
      "request",
      "response"
    ]);
    expect(Either.getOrThrow(parseCassette("x", text))).toEqual([
      entry("a", 0, "A"),
      entry("b", 0, "B1"),
      entry("b", 1, "B2")
    ]);
  });

  it("names the line that is not an entry", () => {
    const parsed = parseCassette("c.jsonl", `${serializeCassette([entry("a", 0, "A")])}{"key": 1}\n`);
    expect(Either.isLeft(parsed) && parsed.left.message).toBe("line 2 is not a cassette entry");
    const notJson = parseCassette("c.jsonl", "{oops\n");
    expect(Either.isLeft(notJson) && notJson.left.message).toBe("line 1 is not JSON");
  });
});

describe("record and replay", () => {
  it.effect("replays what was recorded, per case, with identical requests told apart by occurrence", () =>
    Effect.gen(function* () {
      const path = tempPath();
      let n = 0;
      const live = memoryClient(() => reply(`answer ${++n}`));
      // Two instances of one model send identical requests and get different answers.
      const session = Effect.all([
        withCallScope("capital", "research", Effect.all([complete(request("q")), complete(request("q"))])),
        withCallScope("other", "research", complete(request("q")))
      ]);
      const recorded = yield* session.pipe(Effect.provide(Cassette.record(path).pipe(Layer.provide(live.layer))));
      expect(live.calls).toHaveLength(3);
      const file = readFileSync(path, "utf8");
      expect(file).not.toMatch(/api[_-]?key|authorization|127\.0\.0\.1/i);

      const replayed = yield* session.pipe(Effect.provide(Cassette.replay(path)));
      expect(replayed).toEqual(recorded);
      expect(recorded[0].value.map((response) => response.text)).toEqual(["answer 1", "answer 2"]);
      expect(recorded[1].value.text).toBe("answer 3");
      expect(replayed[0].replayMisses).toEqual([]);
    })
  );

  it.effect("re-recording the same calls writes the same bytes", () =>
    Effect.gen(function* () {
      const path = tempPath();
      const live = memoryClient((req) => reply(`echo ${req.messages[0]?.content}`));
      const session = Effect.all(
        ["b", "a", "c"].map((q) => withCallScope(q, "t", complete(request(q)))),
        { concurrency: "unbounded" }
      );
      yield* session.pipe(Effect.provide(Cassette.record(path).pipe(Layer.provide(live.layer))));
      const first = readFileSync(path, "utf8");
      writeFileSync(path, "");
      yield* session.pipe(Effect.provide(Cassette.record(path).pipe(Layer.provide(live.layer))));
      expect(readFileSync(path, "utf8")).toBe(first);
    })
  );

  it.effect("a failed attempt is not recorded and its retry records under the same occurrence", () =>
    Effect.gen(function* () {
      const path = tempPath();
      const live = memoryClient((_req, index) =>
        index === 0
          ? new ServerError({
              provider: "openai",
              model: "gpt-4.1-mini",
              message: "busy",
              status: 503,
              retryAfterMs: undefined
            })
          : reply(`answer ${index}`)
      );
      const attempt = complete(request("q"));
      const recorded = yield* withCallScope("c", "t", Effect.retry(attempt, { times: 1 })).pipe(
        Effect.provide(Cassette.record(path).pipe(Layer.provide(live.layer)))
      );
      expect(recorded.value.text).toBe("answer 1");
      const lines = readFileSync(path, "utf8").trimEnd().split("\n");
      expect(lines).toHaveLength(1);
      expect(JSON.parse(lines[0]!).occurrence).toBe(0);
      const replayed = yield* withCallScope("c", "t", attempt).pipe(Effect.provide(Cassette.replay(path)));
      expect(replayed.value.text).toBe("answer 1");
    })
  );

  it.effect("calls that finally failed while recording are named in a warning at release; recovered ones are not", () =>
    Effect.gen(function* () {
      const path = tempPath();
      const logged: Array<[string, unknown]> = [];
      const logger = Logger.replace(
        Logger.defaultLogger,
        Logger.make(({ logLevel, message }) => {
          logged.push([logLevel.label, message]);
        })
      );
      const busy = new ServerError({
        provider: "openai",
        model: "gpt-4.1-mini",
        message: "busy",
        status: 503,
        retryAfterMs: undefined
      });
      // "down" always fails; "flaky" fails once then answers on its retry.
      const live = memoryClient((req, index) =>
        req.messages[0]?.content === "down" || index === 0 ? busy : reply("ok")
      );
      yield* Effect.all([
        withCallScope("c", "t", Effect.retry(complete(request("flaky")), { times: 1 })),
        withCallScope("c", "t", Effect.exit(Effect.retry(complete(request("down")), { times: 2 }))),
        withCallScope("d", "t", Effect.exit(complete(request("down"))))
      ]).pipe(Effect.provide(Cassette.record(path).pipe(Layer.provide(live.layer))), Effect.provide(logger));

      expect(live.calls).toHaveLength(2 + 3 + 1);
      expect(logged).toHaveLength(1);
      expect(logged[0]?.[0]).toBe("WARN");
      expect(String(logged[0]?.[1])).toBe(
        `cassette ${path}: 2 call(s) ended in a failure and have no recorded answer, so replaying this cassette ` +
          'will miss them (exit 2); re-record when the provider is healthy: case "c", target t, ' +
          'openai/gpt-4.1-mini: 1 call(s) (ServerError); case "d", target t, openai/gpt-4.1-mini: 1 call(s) (ServerError)'
      );
    })
  );

  it.effect("recording one case keeps the other cases' entries", () =>
    Effect.gen(function* () {
      const path = tempPath();
      const live = memoryClient((req) => reply(`v1 ${req.messages[0]?.content}`));
      const record = (client: typeof live) => Cassette.record(path).pipe(Layer.provide(client.layer));
      yield* Effect.all([
        withCallScope("a", "t", complete(request("a"))),
        withCallScope("b", "t", complete(request("b")))
      ]).pipe(Effect.provide(record(live)));
      const v2 = memoryClient((req) => reply(`v2 ${req.messages[0]?.content}`));
      yield* withCallScope("a", "t", complete(request("a"))).pipe(Effect.provide(record(v2)));
      const texts = readFileSync(path, "utf8")
        .trimEnd()
        .split("\n")
        .map((line) => JSON.parse(line).response.text);
      expect(texts).toEqual(["v2 a", "v1 b"]);
    })
  );

  it.effect("a replay miss fails without retrying, names case, target and model, and is reported to the scope", () =>
    Effect.gen(function* () {
      const path = tempPath();
      const live = memoryClient(() => reply("recorded"));
      yield* withCallScope("capital", "research", complete(request("q"))).pipe(
        Effect.provide(Cassette.record(path).pipe(Layer.provide(live.layer)))
      );
      const missed = yield* withCallScope("capital", "research", Effect.exit(complete(request("q changed")))).pipe(
        Effect.provide(Cassette.replay(path))
      );
      const expected =
        'replay miss: case "capital", target research, openai/gpt-4.1-mini: no recorded answer for this request ' +
        "(the cassette has 1 other request(s) to this model here: the prompt, template or parameters changed) " +
        "(re-record with --record)";
      expect(missed.replayMisses).toEqual([expected]);
      expect(Exit.isFailure(missed.value)).toBe(true);
      if (Exit.isFailure(missed.value)) {
        const error = missed.value.cause._tag === "Fail" ? missed.value.cause.error : undefined;
        expect(error).toMatchObject({ _tag: "RequestRejected", message: expected });
        expect(error !== undefined && isRetryable(error)).toBe(false);
      }
      // Asking more often than recorded is a miss too.
      const extra = yield* withCallScope(
        "capital",
        "research",
        Effect.all([complete(request("q")), Effect.exit(complete(request("q")))])
      ).pipe(Effect.provide(Cassette.replay(path)));
      expect(extra.value[0].text).toBe("recorded");
      expect(extra.replayMisses[0]).toMatch(/1 answer\(s\) for this exact request, and this call asked for one more/);
    })
  );

  it.effect("a failed final write logs an error naming the cassette and keeps the answers in the temp file", () =>
    Effect.gen(function* () {
      const path = tempPath();
      const logged: Array<[string, unknown]> = [];
      const logger = Logger.replace(
        Logger.defaultLogger,
        Logger.make(({ logLevel, message }) => {
          logged.push([logLevel.label, message]);
        })
      );
      const live = memoryClient(() => reply("paid for"));
      const exit = yield* Effect.exit(
        Effect.provide(
          Effect.gen(function* () {
            yield* complete(request("q"));
            // The path turns into a non-empty directory under the recorder: the final rename fails.
            rmSync(path);
            mkdirSync(path);
            writeFileSync(join(path, "in-the-way"), "");
          }),
          Cassette.record(path).pipe(Layer.provide(live.layer))
        ).pipe(Effect.provide(logger))
      );
      expect(Exit.isSuccess(exit)).toBe(true);
      const temporary = `${path}.${process.pid}.tmp`;
      expect(logged).toHaveLength(1);
      expect(logged[0]?.[0]).toBe("ERROR");
      expect(String(logged[0]?.[1])).toContain(`cassette ${path} was not saved`);
      expect(String(logged[0]?.[1])).toContain(`kept in ${temporary}`);
      expect(readFileSync(temporary, "utf8")).toContain('"text":"paid for"');
    })
  );

  it.effect("replay of a missing or broken cassette is a clear input error; record refuses an unwritable path", () =>
    Effect.gen(function* () {
      const missing = yield* Effect.flip(
        Effect.provide(complete(request("q")), Cassette.replay("/nonexistent/c.jsonl"))
      );
      expect(missing).toMatchObject({
        _tag: "CassetteUnreadable",
        message: "no such cassette (record one with --record)"
      });
      const broken = tempPath();
      writeFileSync(broken, "not json\n");
      const unreadable = yield* Effect.flip(Effect.provide(complete(request("q")), Cassette.replay(broken)));
      expect(unreadable).toMatchObject({ _tag: "CassetteUnreadable", message: "line 1 is not JSON" });
      const live = memoryClient(() => reply("x"));
      const unwritable = yield* Effect.flip(
        Effect.provide(
          complete(request("q")),
          Cassette.record("/nonexistent/dir/c.jsonl").pipe(Layer.provide(live.layer))
        )
      );
      expect(unwritable._tag).toBe("CassetteUnreadable");
      expect(live.calls).toHaveLength(0);
      expect(existsSync("/nonexistent/dir/c.jsonl")).toBe(false);
    })
  );
});

describe("identical requests from different calls", () => {
  const asCall =
    (instance: number) =>
    <A, E, R>(effect: Effect.Effect<A, E, R>) =>
      Effect.locally(effect, currentCallSite, { role: "member" as const, instance, iteration: 1 });

  it.effect("get their own answers back even when a replay starts them in another order", () =>
    Effect.gen(function* () {
      const path = tempPath();
      // two instances of one model ask the same thing and are answered differently
      const live = memoryClient((_request, n) => reply(`answer ${n + 1}`));
      const inOrder = (order: ReadonlyArray<number>) =>
        withCallScope(
          "case",
          "target",
          Effect.forEach(order, (instance) =>
            Effect.map(asCall(instance)(complete(request("same question"))), (response) => [instance, response.text])
          )
        ).pipe(Effect.map(({ value }) => Object.fromEntries(value)));
      const recorded = yield* inOrder([1, 2]).pipe(
        Effect.provide(Cassette.record(path).pipe(Layer.provide(live.layer)))
      );
      expect(recorded).toEqual({ 1: "answer 1", 2: "answer 2" });
      // a provider cap or a back-off lets instance 2 start first this time
      const replayed = yield* inOrder([2, 1]).pipe(Effect.provide(Cassette.replay(path)));
      expect(replayed).toEqual(recorded);
      expect(readFileSync(path, "utf8")).toContain('"call":{"role":"member","instance":1,"iteration":1}');
    })
  );

  it.effect("a cassette recorded before calls were named still replays, in start order", () =>
    Effect.gen(function* () {
      const path = tempPath();
      const legacy = (occurrence: number, text: string): CassetteEntry => ({
        case: "case",
        target: "target",
        key: fingerprint("openai", request("same question")),
        occurrence,
        provider: "openai",
        model: "gpt-4.1-mini",
        request: { messages: [{ role: "user", content: "same question" }] },
        response: reply(text)
      });
      writeFileSync(path, serializeCassette([legacy(0, "first"), legacy(1, "second")]));
      const { value } = yield* withCallScope(
        "case",
        "target",
        Effect.forEach([1, 2], (instance) => asCall(instance)(complete(request("same question"))))
      ).pipe(Effect.provide(Cassette.replay(path)));
      expect(value.map((response) => response.text)).toEqual(["first", "second"]);
    })
  );
});
