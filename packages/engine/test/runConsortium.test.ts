import type { ConsortiumConfig } from "@consortium/config";
import { AuthFailed, MissingApiKey, RateLimited, RequestRejected, ServerError } from "@consortium/providers";
import { describe, expect, it } from "@effect/vitest";
import { Effect, Exit, Fiber, Layer, TestClock } from "effect";
import { makeProviderGates } from "../src/gates.js";
import type { RunOptions } from "../src/runConsortium.js";
import { runConsortium } from "../src/runConsortium.js";
import {
  arbiterReply,
  limits,
  makeConfig,
  member,
  provider,
  recordingEvents,
  recordingLog,
  type ScriptedClient,
  type Step,
  scriptedClient,
  userText
} from "./support.js";

const confident = arbiterReply({ synthesis: "Canberra is the capital of Australia.", confidence: 0.9 });

const answerAll =
  (arbiter: ReadonlyArray<string> | string = confident) =>
  (request: { model: string }, n: number): Step =>
    request.model === "judge" || request.model === "backup"
      ? { text: typeof arbiter === "string" ? arbiter : (arbiter[Math.min(n, arbiter.length - 1)] ?? "") }
      : { text: `answer from ${request.model} #${n}` };

const run = (
  config: ConsortiumConfig,
  client: ScriptedClient,
  log = recordingLog(),
  options: RunOptions = {},
  events = recordingEvents()
) =>
  runConsortium(config, "What is the capital of Australia?", options).pipe(
    Effect.provide(Layer.mergeAll(client.layer, log.layer, events.layer))
  );

const rateLimited = (retryAfterMs?: number) =>
  new RateLimited({ provider: "p", model: "a", message: "p/a: 429 rate limited", retryAfterMs });

describe("runConsortium", () => {
  it.effect("one confident round: every member answers, the arbiter synthesises, all is recorded", () =>
    Effect.gen(function* () {
      const client = scriptedClient(answerAll());
      const log = recordingLog();
      const result = yield* run(makeConfig(), client, log);

      expect(result.status).toBe("completed");
      expect(result.error).toBeNull();
      expect(result.synthesis?.text).toBe("Canberra is the capital of Australia.");
      expect(result.synthesis?.confidence).toBe(0.9);
      expect(result.iterations).toHaveLength(1);
      expect(result.iterations[0]!.responses.map((r) => `${r.member}#${r.instance}`)).toEqual([
        "p/a#1",
        "p/a#2",
        "q/b#1"
      ]);
      expect(result.iterations[0]!.responses.every((r) => r.error === null && r.attempts === 1)).toBe(true);
      expect(result.iterations[0]!.decision).toBe("confident");
      // 3 members + 1 arbiter, each 10 in / 5 out in the fake
      // the scripted models have no price: no cost, and the result says which models lacked one
      expect(result.usage).toEqual({
        inputTokens: 40,
        outputTokens: 20,
        costUsd: null,
        costComplete: false,
        unpricedModels: ["p/a", "p/judge", "q/b"]
      });

      expect(log.started).toHaveLength(1);
      expect(log.calls.map((c) => `${c.role}:${c.model}`).sort()).toEqual([
        "arbiter:judge",
        "member:a",
        "member:a",
        "member:b"
      ]);
      expect(log.calls.find((c) => c.role === "arbiter")?.parsed).toMatchObject({ confidence: 0.9, parsed: true });
      expect(log.ended).toHaveLength(1);
      expect(log.ended[0]!.status).toBe("completed");
      expect(log.ended[0]!.result).toEqual(result);
    })
  );

  it.effect("members get the system prompt; the arbiter sees anonymised answers, rebuilt from the recorded seed", () =>
    Effect.gen(function* () {
      const client = scriptedClient(answerAll());
      const result = yield* run(makeConfig(), client, recordingLog(), { seed: 1234 });
      const memberCall = client.callsTo("a")[0]!;
      expect(memberCall.request.system).toBe("Be exact.");
      expect(userText(memberCall.request)).toBe("What is the capital of Australia?");

      const arbiterText = userText(client.callsTo("judge")[0]!.request);
      expect(arbiterText).toContain("Response 1");
      expect(arbiterText).toContain("Response 3");
      expect(arbiterText).not.toContain("p/a");
      expect(result.seed).toBe(1234);
      // Each answer's label says where the arbiter saw it.
      for (const response of result.iterations[0]!.responses) {
        expect(arbiterText).toContain(`<response label="${response.label}">\n${response.text}\n</response>`);
      }
      // Same seed, same order: the prompt is reproducible.
      const again = scriptedClient(answerAll());
      yield* run(makeConfig(), again, recordingLog(), { seed: 1234 });
      expect(userText(again.callsTo("judge")[0]!.request)).toBe(arbiterText);
    })
  );

  it.effect(
    "an unsure first round leads to a second, whose members get the synthesis, areas, dissent and confidence",
    () =>
      Effect.gen(function* () {
        const unsure = arbiterReply({
          synthesis: "Probably Sydney.",
          confidence: "40%",
          needs: true,
          areas: ["check which city is the capital", "cite the 1908 decision"],
          dissent: "One answer says Canberra."
        });
        const client = scriptedClient(answerAll([unsure, confident]));
        const events = recordingEvents();
        const result = yield* run(makeConfig(), client, recordingLog(), {}, events);

        expect(result.status).toBe("completed");
        expect(result.iterations.map((i) => [i.index, i.synthesis?.confidence, i.decision])).toEqual([
          [1, 0.4, "low_confidence"],
          [2, 0.9, "confident"]
        ]);
        expect(result.synthesis?.text).toBe("Canberra is the capital of Australia.");

        const round2 = client.callsTo("a").slice(2);
        expect(round2).toHaveLength(2);
        for (const call of round2) {
          const text = userText(call.request);
          expect(text).toContain("What is the capital of Australia?");
          expect(text).toContain("Probably Sydney.");
          expect(text).toContain("- check which city is the capital\n- cite the 1908 decision");
          expect(text).toContain("One answer says Canberra.");
          expect(text).toContain("0.4");
        }
        // The arbiter's second prompt carries the first round as history.
        expect(userText(client.callsTo("judge")[1]!.request)).toMatch(
          /<round number="1" confidence="0.4">\nProbably Sydney\./
        );
        expect(events.events.filter((e) => e._tag === "IterationEnded").map((e) => e.stop)).toEqual([false, true]);
      })
  );

  it.effect("goes on while the arbiter asks for another round, and stops at max_iterations", () =>
    Effect.gen(function* () {
      const asksMore = arbiterReply({ synthesis: "Still unsure.", confidence: 0.95, needs: true });
      const client = scriptedClient(answerAll(asksMore));
      const result = yield* run(makeConfig({ maxIterations: 2 }), client);
      expect(result.iterations.map((i) => i.decision)).toEqual(["arbiter_asked", "max_iterations"]);
      expect(result.status).toBe("completed");
      expect(client.callsTo("judge")).toHaveLength(2);
    })
  );

  it.effect("runs min_iterations rounds even when the first is confident", () =>
    Effect.gen(function* () {
      const client = scriptedClient(answerAll());
      const result = yield* run(makeConfig({ minIterations: 2 }), client);
      expect(result.iterations).toHaveLength(2);
    })
  );

  it.effect("no quorum: the run fails with a one-line reason naming each member's error, without retrying 401", () =>
    Effect.gen(function* () {
      const client = scriptedClient((request) =>
        request.model === "judge"
          ? { text: confident }
          : {
              fail: new AuthFailed({
                provider: request.provider,
                model: request.model,
                status: 401,
                message: `${request.provider}/${request.model}: 401 invalid API key`
              })
            }
      );
      const log = recordingLog();
      const result = yield* run(makeConfig(), client, log);

      expect(result.status).toBe("failed");
      expect(result.synthesis).toBeNull();
      expect(result.error).toBe(
        "no quorum in iteration 1: 0 of 3 members answered, 1 answer needed " +
          "(p/a#1: AuthFailed: 401 invalid API key; p/a#2: AuthFailed: 401 invalid API key; q/b#1: AuthFailed: 401 invalid API key)"
      );
      expect(result.error).not.toContain("\n");
      expect(result.unfinished?.responses.map((r) => [r.member, r.instance, r.error?.type, r.attempts])).toEqual([
        ["p/a", 1, "AuthFailed", 1],
        ["p/a", 2, "AuthFailed", 1],
        ["q/b", 1, "AuthFailed", 1]
      ]);
      expect(client.callsTo("judge")).toHaveLength(0);
      expect(log.calls).toHaveLength(3);
      expect(log.ended[0]!.status).toBe("failed");
    })
  );

  it.effect("quorum counts answers: 1 of 3 is not enough for quorum 2", () =>
    Effect.gen(function* () {
      const client = scriptedClient((request, n) =>
        request.model === "b" || (request.model === "a" && n === 0)
          ? { fail: new RequestRejected({ provider: "p", model: request.model, status: 400, message: "400 bad" }) }
          : answerAll()(request, n)
      );
      const result = yield* run(makeConfig({ limits: limits({ quorum: 2 }) }), client);
      expect(result.status).toBe("failed");
      expect(result.error).toMatch(/^no quorum in iteration 1: 1 of 3 members answered, 2 answers needed/);
    })
  );

  it.effect("an empty answer is a failure, never a success", () =>
    Effect.gen(function* () {
      const client = scriptedClient((request) => (request.model === "judge" ? { text: confident } : { text: "  \n " }));
      const result = yield* run(makeConfig(), client);
      expect(result.status).toBe("failed");
      expect(result.unfinished?.responses.every((r) => r.error?.type === "EmptyAnswer")).toBe(true);
      expect(result.synthesis).toBeNull();
    })
  );

  it.effect("members lost but quorum met: degraded, with the loss in warnings and the error kept with its member", () =>
    Effect.gen(function* () {
      const client = scriptedClient((request, n) =>
        request.model === "b"
          ? { fail: new RequestRejected({ provider: "q", model: "b", status: 404, message: "q/b: 404 unknown model" }) }
          : answerAll()(request, n)
      );
      const result = yield* run(makeConfig(), client);
      expect(result.status).toBe("degraded");
      expect(result.synthesis?.text).toBe("Canberra is the capital of Australia.");
      const lost = result.iterations[0]!.responses.find((r) => r.member === "q/b")!;
      expect(lost).toMatchObject({ text: "", error: { type: "RequestRejected" }, label: null });
      expect(result.warnings).toEqual(["iteration 1: member q/b#1: RequestRejected: 404 unknown model"]);
      // The arbiter saw only the two answers.
      expect(userText(client.callsTo("judge")[0]!.request)).not.toContain("Response 3");
    })
  );

  it.effect("an arbiter reply without tags: its text is the answer, confidence 0, status degraded", () =>
    Effect.gen(function* () {
      const client = scriptedClient(answerAll("Canberra. (I forgot the tags.)"));
      const result = yield* run(makeConfig({ maxIterations: 1 }), client);
      expect(result.status).toBe("degraded");
      expect(result.synthesis).toMatchObject({ text: "Canberra. (I forgot the tags.)", confidence: 0, parsed: false });
      expect(result.warnings).toEqual(["iteration 1: arbiter output from p/judge: no <synthesis> tag"]);
    })
  );

  it.effect("the arbiter fails after its retries: the fallback is used, in order", () =>
    Effect.gen(function* () {
      const down = new ServerError({
        provider: "p",
        model: "judge",
        status: 503,
        message: "p/judge: 503",
        retryAfterMs: undefined
      });
      const client = scriptedClient((request, n) =>
        request.model === "judge" ? { fail: down } : request.model === "broken" ? { text: "" } : answerAll()(request, n)
      );
      const log = recordingLog();
      const config = makeConfig({
        arbiter: {
          provider: "p",
          model: "judge",
          temperature: 0.2,
          fallbacks: [
            { provider: "q", model: "broken" },
            { provider: "q", model: "backup" }
          ]
        },
        limits: limits({ retries: 1 })
      });
      const fiber = yield* Effect.fork(run(config, client, log));
      yield* TestClock.adjust("1 minute");
      const result = yield* Fiber.join(fiber);

      expect(result.status).toBe("completed");
      expect(result.iterations[0]!.arbiter).toMatchObject({ model: "q/backup", error: null });
      expect(result.iterations[0]!.arbiterFailures?.map((f) => [f.model, f.error?.type, f.attempts])).toEqual([
        ["p/judge", "ServerError", 2],
        ["q/broken", "EmptyAnswer", 1]
      ]);
      expect(client.callsTo("judge")).toHaveLength(2);
      // Fallbacks inherit the arbiter's parameters.
      expect(client.callsTo("backup")[0]!.request.temperature).toBe(0.2);
      expect(log.calls.filter((c) => c.role === "arbiter").map((c) => [c.model, c.instance])).toEqual([
        ["judge", 0],
        ["broken", 1],
        ["backup", 2]
      ]);
      expect(result.warnings).toContain("iteration 1: arbiter p/judge: ServerError: 503 (used q/backup)");
    })
  );

  it.effect(
    "an arbiter that failed after its retries is passed over in later rounds: the next round asks its fallback",
    () =>
      Effect.gen(function* () {
        const down = new ServerError({
          provider: "p",
          model: "judge",
          status: 529,
          message: "p/judge: 529 overloaded",
          retryAfterMs: undefined
        });
        const unsure = arbiterReply({ synthesis: "First draft.", confidence: 0.3, needs: true });
        const client = scriptedClient((request, n) =>
          request.model === "judge"
            ? { fail: down }
            : request.model === "backup" && n === 0
              ? { text: unsure }
              : answerAll()(request, n)
        );
        const config = makeConfig({
          arbiter: { provider: "p", model: "judge", fallbacks: [{ provider: "q", model: "backup" }] },
          maxIterations: 3,
          limits: limits({ retries: 2 })
        });
        const fiber = yield* Effect.fork(run(config, client));
        yield* TestClock.adjust("1 minute");
        const result = yield* Fiber.join(fiber);

        expect(result.status).toBe("completed");
        expect(result.iterations).toHaveLength(2);
        // three attempts in round 1 and none after: round 2 did not wait out the same back-off again
        expect(client.callsTo("judge")).toHaveLength(3);
        expect(client.callsTo("backup")).toHaveLength(2);
        expect(result.iterations[1]!.arbiter).toMatchObject({ model: "q/backup", error: null });
        expect(result.iterations[1]!.arbiterFailures ?? []).toEqual([]);
      })
  );

  it.effect(
    "every arbiter failing in round 1 fails the run; in round 2 the run keeps round 1's synthesis, degraded",
    () =>
      Effect.gen(function* () {
        const down = new AuthFailed({ provider: "p", model: "judge", status: 403, message: "p/judge: 403 forbidden" });
        const failing = scriptedClient((request, n) =>
          request.model === "judge" ? { fail: down } : answerAll()(request, n)
        );
        const failed = yield* run(makeConfig(), failing);
        expect(failed.status).toBe("failed");
        expect(failed.error).toBe("arbiter failed in iteration 1: p/judge: AuthFailed: 403 forbidden");
        expect(failed.unfinished?.arbiterFailures).toHaveLength(1);

        const unsure = arbiterReply({ synthesis: "First draft.", confidence: 0.3, needs: true });
        const laterDown = scriptedClient((request, n) =>
          request.model === "judge" ? (n === 0 ? { text: unsure } : { fail: down }) : answerAll()(request, n)
        );
        const degraded = yield* run(makeConfig(), laterDown);
        expect(degraded.status).toBe("degraded");
        expect(degraded.synthesis?.text).toBe("First draft.");
        expect(degraded.error).toBe("arbiter failed in iteration 2: p/judge: AuthFailed: 403 forbidden");
        expect(degraded.iterations.map((round) => round.unfinished ?? false)).toEqual([false, true]);
        expect(degraded.unfinished?.index).toBe(2);
      })
  );

  it.effect("a missing API key stops the run before any call or record", () =>
    Effect.gen(function* () {
      const client = scriptedClient(answerAll());
      const log = recordingLog();
      const config = makeConfig({ providers: { p: { ...provider("p"), apiKeyEnv: "P_KEY" }, q: provider("q") } });
      const exit = yield* Effect.exit(run(config, client, log, { env: {} }));
      expect(exit).toStrictEqual(Exit.fail(new MissingApiKey({ provider: "p", variable: "P_KEY" })));
      expect(client.calls).toHaveLength(0);
      expect(log.started).toHaveLength(0);

      // checkKeys: false (a cassette replay) skips the key check but still knows its providers.
      const replay = yield* run(config, client, recordingLog(), { env: {}, checkKeys: false });
      expect(replay.status).toBe("completed");
      const unknown = makeConfig({ members: [member("nowhere/x")] });
      const unknownExit = yield* Effect.exit(run(unknown, client, recordingLog(), { checkKeys: false }));
      expect(Exit.isFailure(unknownExit) && JSON.stringify(unknownExit.cause)).toContain("UnknownProvider");
    })
  );
});

describe("the call policy, on the test clock", () => {
  it.effect("a 429 with Retry-After 5s is not retried before 5s have passed", () =>
    Effect.gen(function* () {
      const client = scriptedClient((request, n) =>
        request.model === "a" && n === 0 ? { fail: rateLimited(5000) } : answerAll()(request, n)
      );
      const events = recordingEvents();
      const fiber = yield* Effect.fork(
        run(makeConfig({ members: [member("p/a")] }), client, recordingLog(), {}, events)
      );
      yield* TestClock.adjust("4999 millis");
      expect(client.callsTo("a")).toHaveLength(1);
      yield* TestClock.adjust("1 millis");
      const result = yield* Fiber.join(fiber);
      expect(client.callsTo("a")).toHaveLength(2);
      expect(client.callsTo("a")[1]!.startedAt).toBe(5000);
      expect(result.iterations[0]!.responses[0]).toMatchObject({ attempts: 2, error: null, latencyMs: 5000 });
      const retry = events.events.find((e) => e._tag === "CallRetrying");
      expect(retry).toMatchObject({ label: "p/a#1", attempt: 1, delayMs: 5000, error: { type: "RateLimited" } });
      expect(result.durationMs).toBe(5000);
    })
  );

  it.effect("a Retry-After beyond the limit fails the call at once instead of stalling the run", () =>
    Effect.gen(function* () {
      const client = scriptedClient((request, n) =>
        request.model === "a" ? { fail: rateLimited(3_600_000) } : answerAll()(request, n)
      );
      const result = yield* run(makeConfig(), client, recordingLog());
      expect(client.callsTo("a")).toHaveLength(2);
      expect(result.status).toBe("degraded");
      expect(result.durationMs).toBe(0);
      const lost = result.iterations[0]!.responses.filter((r) => r.error !== null);
      expect(lost.map((r) => [r.attempts, r.error?.type])).toEqual([
        [1, "RateLimited"],
        [1, "RateLimited"]
      ]);
    })
  );

  it.effect("retries back off exponentially from about 1s, with jitter, and stop after limits.retries", () =>
    Effect.gen(function* () {
      const client = scriptedClient((request, n) =>
        request.model === "a" ? { fail: rateLimited() } : answerAll()(request, n)
      );
      const config = makeConfig({ members: [member("p/a"), member("q/b")], limits: limits({ retries: 3 }) });
      const fiber = yield* Effect.fork(run(config, client));
      yield* TestClock.adjust("10 minutes");
      const result = yield* Fiber.join(fiber);
      const starts = client.callsTo("a").map((c) => c.startedAt);
      expect(starts).toHaveLength(4);
      const waits = starts.slice(1).map((t, i) => t - starts[i]!);
      // 1s, 2s, 4s, each within the ±20% jitter
      [1000, 2000, 4000].forEach((base, i) => {
        expect(waits[i]).toBeGreaterThanOrEqual(base * 0.8);
        expect(waits[i]).toBeLessThanOrEqual(base * 1.2);
      });
      expect(result.iterations[0]!.responses[0]).toMatchObject({ attempts: 4, error: { type: "RateLimited" } });
      expect(result.status).toBe("degraded");
    })
  );

  it.effect("the wait between retries is capped at 30s", () =>
    Effect.gen(function* () {
      const client = scriptedClient((request, n) =>
        request.model === "a" ? { fail: rateLimited() } : answerAll()(request, n)
      );
      const config = makeConfig({ members: [member("p/a"), member("q/b")], limits: limits({ retries: 7 }) });
      const fiber = yield* Effect.fork(run(config, client));
      yield* TestClock.adjust("30 minutes");
      yield* Fiber.join(fiber);
      const starts = client.callsTo("a").map((c) => c.startedAt);
      const waits = starts.slice(1).map((t, i) => t - starts[i]!);
      expect(waits).toHaveLength(7);
      expect(Math.max(...waits)).toBeLessThanOrEqual(30_000);
      expect(waits.at(-1)).toBe(30_000);
    })
  );

  it.effect("400 and 401 fail at once, without a retry", () =>
    Effect.gen(function* () {
      const client = scriptedClient((request, n) =>
        request.model === "a"
          ? { fail: new RequestRejected({ provider: "p", model: "a", status: 400, message: "p/a: 400 bad request" }) }
          : request.model === "b"
            ? { fail: new AuthFailed({ provider: "q", model: "b", status: 401, message: "q/b: 401" }) }
            : answerAll()(request, n)
      );
      const config = makeConfig({
        members: [member("p/a"), member("q/b"), member("p/c")],
        limits: limits({ retries: 3 })
      });
      const result = yield* run(config, client);
      expect(client.callsTo("a")).toHaveLength(1);
      expect(client.callsTo("b")).toHaveLength(1);
      expect(result.iterations[0]!.responses.map((r) => [r.member, r.attempts, r.error?.type ?? null])).toEqual([
        ["p/a", 1, "RequestRejected"],
        ["q/b", 1, "AuthFailed"],
        ["p/c", 1, null]
      ]);
      expect(result.durationMs).toBe(0);
    })
  );

  it.effect("a hung member is timed out per attempt, its request aborted, retried, then dropped: degraded", () =>
    Effect.gen(function* () {
      const client = scriptedClient((request, n) => (request.model === "b" ? { hang: true } : answerAll()(request, n)));
      const config = makeConfig({ limits: limits({ timeoutMs: 2000, retries: 1 }) });
      const fiber = yield* Effect.fork(run(config, client));
      yield* TestClock.adjust("1999 millis");
      expect(client.callsTo("b").map((c) => c.outcome)).toEqual(["pending"]);
      yield* TestClock.adjust("1 millis");
      // The first attempt was cut off at exactly the timeout, and its request aborted.
      expect(client.callsTo("b")[0]).toMatchObject({ outcome: "aborted", endedAt: 2000 });
      yield* TestClock.adjust("1 minute");
      const result = yield* Fiber.join(fiber);
      expect(client.callsTo("b").map((c) => c.outcome)).toEqual(["aborted", "aborted"]);
      expect(result.status).toBe("degraded");
      expect(result.synthesis?.text).toBe("Canberra is the capital of Australia.");
      const hung = result.iterations[0]!.responses.find((r) => r.member === "q/b")!;
      expect(hung).toMatchObject({
        attempts: 2,
        error: { type: "AttemptTimeout", message: "q/b: no answer within 2s" }
      });
    })
  );

  it.effect("a client answering from memory gets one attempt: no retry, no timeout, no permit", () =>
    Effect.gen(function* () {
      const client = scriptedClient(
        (request, n) =>
          request.model === "b"
            ? { fail: rateLimited(), latencyMs: 10 }
            : { ...answerAll()(request, n), latencyMs: 10 },
        { answers: "local" }
      );
      // Two runs sharing provider p's cap of 1, as an eval's cases do.
      const config = makeConfig({
        providers: { p: provider("p", 1), q: provider("q") },
        limits: limits({ retries: 3 })
      });
      const providerGates = makeProviderGates();
      const both = Effect.all(
        [
          run(config, client, recordingLog(), { providerGates }),
          run(config, client, recordingLog(), { providerGates })
        ],
        { concurrency: 2 }
      );
      const fiber = yield* Effect.fork(both);
      yield* TestClock.adjust("1 second");
      const [result] = yield* Fiber.join(fiber);
      expect(client.callsTo("b")).toHaveLength(2);
      const failed = result.iterations[0]!.responses.find((r) => r.member === "q/b")!;
      expect(failed).toMatchObject({ attempts: 1, error: { type: "RateLimited" } });
      // No permit: the two runs' calls to p overlapped despite its cap of 1.
      expect(client.maxInFlightFor("p")).toBe(2);
      // Within a run nothing waits, so its members are asked one after another: one call per run at a time.
      expect(client.maxInFlight()).toBe(2);
    })
  );

  it.effect("a client that times its own attempts is handed the timeout and not raced by a timer", () =>
    Effect.gen(function* () {
      const client = scriptedClient(
        (request, n) => (request.model === "b" ? { hang: true } : answerAll()(request, n)),
        { answers: "timed" }
      );
      const config = makeConfig({ limits: limits({ timeoutMs: 2000, retries: 0 }) });
      const fiber = yield* Effect.fork(run(config, client));
      yield* TestClock.adjust("10 seconds");
      expect(client.callsTo("b").map((c) => [c.outcome, c.attempt])).toEqual([["pending", { timeoutMs: 2000 }]]);
      yield* Fiber.interrupt(fiber);
    })
  );

  it.effect(
    "the attempt timeout bounds each attempt, not the call: a slow first attempt then a fast one succeeds",
    () =>
      Effect.gen(function* () {
        const client = scriptedClient((request, n) =>
          request.model === "a" && n === 0 ? { text: "late", latencyMs: 3000 } : answerAll()(request, n)
        );
        const config = makeConfig({ members: [member("p/a")], limits: limits({ timeoutMs: 2000, retries: 1 }) });
        const fiber = yield* Effect.fork(run(config, client));
        yield* TestClock.adjust("1 minute");
        const result = yield* Fiber.join(fiber);
        expect(result.iterations[0]!.responses[0]).toMatchObject({
          text: "answer from a #1",
          attempts: 2,
          error: null
        });
        expect(result.status).toBe("completed");
      })
  );

  it.effect("at most limits.concurrency calls are in flight, and at most a provider's cap for that provider", () =>
    Effect.gen(function* () {
      const client = scriptedClient((request, n) =>
        request.model === "judge" ? { text: confident } : { text: `ok ${n}`, latencyMs: 100 }
      );
      const config = makeConfig({
        members: [member("p/a", 6), member("q/b", 6)],
        providers: { p: provider("p"), q: provider("q", 2) },
        limits: limits({ concurrency: 4 })
      });
      const fiber = yield* Effect.fork(run(config, client));
      yield* TestClock.adjust("10 seconds");
      const result = yield* Fiber.join(fiber);
      expect(result.status).toBe("completed");
      expect(client.maxInFlight()).toBe(4);
      expect(client.maxInFlightFor("q")).toBe(2);
      // 12 calls of 100ms, 4 at a time (q's cap slows its half): 4 waves at least
      expect(result.durationMs).toBeGreaterThanOrEqual(300);
    })
  );

  it.effect("the run timeout ends the run with what it has: degraded with round 1's synthesis", () =>
    Effect.gen(function* () {
      const unsure = arbiterReply({ synthesis: "Draft.", confidence: 0.2, needs: true });
      const client = scriptedClient((request) =>
        request.model === "judge"
          ? { text: unsure }
          : userText(request).includes("(Round 2.)")
            ? { hang: true }
            : { text: "first", latencyMs: 1000 }
      );
      const log = recordingLog();
      const config = makeConfig({ limits: limits({ runTimeoutMs: 10_000, timeoutMs: 60_000 }) });
      const fiber = yield* Effect.fork(run(config, client, log));
      yield* TestClock.adjust("1 minute");
      const result = yield* Fiber.join(fiber);
      expect(result.status).toBe("degraded");
      expect(result.synthesis?.text).toBe("Draft.");
      expect(result.error).toBe("run timed out after 10s in iteration 2");
      expect(result.durationMs).toBe(10_000);
      // The calls cut off are recorded too, so nothing stays "in flight" in the log.
      expect(log.calls.filter((c) => c.error?.type === "Interrupted")).toHaveLength(3);
      expect(result.unfinished?.responses.map((r) => r.error?.type)).toEqual([
        "Interrupted",
        "Interrupted",
        "Interrupted"
      ]);
      expect(client.calls.filter((c) => c.outcome === "pending")).toHaveLength(0);
    })
  );

  it.effect("a run timeout before any synthesis: failed", () =>
    Effect.gen(function* () {
      const client = scriptedClient(() => ({ hang: true }));
      const config = makeConfig({ limits: limits({ runTimeoutMs: 5000, timeoutMs: 60_000 }) });
      const fiber = yield* Effect.fork(run(config, client));
      yield* TestClock.adjust("1 minute");
      const result = yield* Fiber.join(fiber);
      expect(result.status).toBe("failed");
      expect(result.error).toBe("run timed out after 5s in iteration 1");
    })
  );

  it.effect(
    "an interrupt still records the run as interrupted with every call that finished, then ends interrupted",
    () =>
      Effect.gen(function* () {
        const client = scriptedClient((request, n) =>
          request.model === "b" ? { hang: true } : { text: `answer ${n}`, latencyMs: 100 }
        );
        const log = recordingLog();
        const fiber = yield* Effect.fork(run(makeConfig(), client, log));
        yield* TestClock.adjust("500 millis");
        const exit = yield* Fiber.interrupt(fiber);

        expect(Exit.isInterrupted(exit)).toBe(true);
        expect(log.ended).toHaveLength(1);
        const { result } = log.ended[0]!;
        expect(result.status).toBe("interrupted");
        expect(result.error).toBe("interrupted in iteration 1");
        expect(result.unfinished?.responses.map((r) => [r.member, r.error?.type ?? null])).toEqual([
          ["p/a", null],
          ["p/a", null],
          ["q/b", "Interrupted"]
        ]);
        expect(log.calls).toHaveLength(3);
        expect(client.callsTo("b")[0]!.outcome).toBe("aborted");
      })
  );
});
