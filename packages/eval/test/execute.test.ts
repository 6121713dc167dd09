import type { SuiteConfig, SuiteTarget } from "@consortium/config";
import { RunLog } from "@consortium/engine";
import { LlmClient } from "@consortium/providers";
import { it } from "@effect/vitest";
import { Deferred, Effect, Either, Exit, Fiber, Layer, Ref, TestClock } from "effect";
import { describe, expect } from "vitest";
import { currentCallScope } from "../src/callScope.js";
import { type EvalCaseResult, type EvalEnded, EvalLog, type EvalStarted } from "../src/EvalLog.js";
import { exitCodeFor } from "../src/report/exitCode.js";
import { type Executors, executePlan } from "../src/runner/execute.js";
import type { TargetOutcome } from "../src/runner/outcome.js";
import { planSuite } from "../src/runner/plan.js";
import { runSuite } from "../src/runner/runSuite.js";
import { seedFor } from "../src/runner/targets.js";
import { memoryClient, provider, reply } from "./memoryClient.js";

const model = (label: string): SuiteTarget => ({ kind: "model", ref: { provider: "openai", model: label }, label });

const suite = (overrides: Partial<SuiteConfig> = {}): SuiteConfig => ({
  name: "smoke",
  description: undefined,
  targets: [model("a"), model("b")],
  threshold: 1,
  cases: ["one", "two", "three", "four", "five", "six"].map((id) => ({
    id,
    prompt: `say ${id}`,
    assert: [{ type: "icontains", negate: false, value: id }]
  })),
  judge: undefined,
  providers: { openai: provider("openai") },
  source: "/tmp/suite.yaml",
  ...overrides
});

const answered = (output: string): TargetOutcome => ({
  output,
  confidence: null,
  latencyMs: 10,
  usage: { inputTokens: 1, outputTokens: 1 },
  costUsd: null,
  costComplete: false,
  runId: null,
  status: "completed",
  error: null
});

const recordingLog = Effect.gen(function* () {
  const events = yield* Ref.make<ReadonlyArray<EvalStarted | EvalCaseResult | EvalEnded>>([]);
  const push = (event: EvalStarted | EvalCaseResult | EvalEnded) => Ref.update(events, (all) => [...all, event]);
  const layer = Layer.succeed(EvalLog, { evalStarted: push, caseResult: push, evalEnded: push });
  return { events, layer };
});

const plan = (config: SuiteConfig, options: Parameters<typeof planSuite>[1] = {}) =>
  Either.getOrThrow(planSuite(config, options));

const noJudge: Executors<never>["judge"] = () => Effect.fail("no judge in this test");

describe("executePlan", () => {
  it.effect("runs every case on every target and logs start, each result and the end", () =>
    Effect.gen(function* () {
      const log = yield* recordingLog;
      const executors: Executors<never> = {
        // Target b answers wrongly on "three".
        runTarget: (target, prompt) =>
          Effect.succeed(
            answered(target.kind === "model" && target.label === "b" && prompt === "say three" ? "no" : prompt)
          ),
        judge: noJudge
      };
      const report = yield* executePlan(plan(suite()), executors, "eval-1").pipe(Effect.provide(log.layer));
      expect(report.cases.map((suiteCase) => suiteCase.results.map((result) => result.pass))).toEqual([
        [true, true],
        [true, true],
        [true, false],
        [true, true],
        [true, true],
        [true, true]
      ]);
      expect(report.targets.map((target) => [target.target, target.passed, target.meetsThreshold])).toEqual([
        ["a", 6, true],
        ["b", 5, false]
      ]);
      expect(exitCodeFor(report)).toBe(1);
      const events = yield* Ref.get(log.events);
      expect(events).toHaveLength(1 + 12 + 1);
      expect(events[0]).toMatchObject({ evalId: "eval-1", suite: "smoke", targets: ["a", "b"], threshold: 1 });
      expect(events.at(-1)).toMatchObject({ evalId: "eval-1", outcome: "failed" });
      const failed = events.find((event) => "result" in event && !event.result.pass);
      expect(failed).toMatchObject({ caseId: "three", result: { target: "b", output: "no" } });
    })
  );

  it.effect("keeps at most -j cases in flight", () =>
    Effect.gen(function* () {
      const inFlight = yield* Ref.make(0);
      const peak = yield* Ref.make(0);
      const executors: Executors<never> = {
        runTarget: (_target, prompt) =>
          Effect.acquireUseRelease(
            Ref.updateAndGet(inFlight, (n) => n + 1).pipe(Effect.tap((n) => Ref.update(peak, (p) => Math.max(p, n)))),
            () => Effect.as(Effect.sleep("1 second"), answered(prompt)),
            () => Ref.update(inFlight, (n) => n - 1)
          ),
        judge: noJudge
      };
      const fiber = yield* Effect.fork(
        executePlan(plan(suite(), { concurrency: 2 }), executors, "e").pipe(Effect.provide(EvalLog.none))
      );
      yield* TestClock.adjust("10 seconds");
      const report = yield* Fiber.join(fiber);
      expect(report.cases).toHaveLength(6);
      // 2 cases × 2 targets each.
      expect(yield* Ref.get(peak)).toBe(4);
    })
  );

  it.effect("a case that fails, or even dies, never stops the others", () =>
    Effect.gen(function* () {
      const executors: Executors<never> = {
        runTarget: (_target, prompt) =>
          prompt === "say two"
            ? Effect.die(new Error("boom"))
            : prompt === "say four"
              ? Effect.succeed({
                  ...answered(""),
                  output: null,
                  status: "failed",
                  error: "no quorum: 0 of 2 members answered"
                })
              : Effect.succeed(answered(prompt)),
        judge: noJudge
      };
      const report = yield* executePlan(plan(suite()), executors, "e").pipe(Effect.provide(EvalLog.none));
      const byId = Object.fromEntries(report.cases.map((suiteCase) => [suiteCase.id, suiteCase.results[0]!]));
      expect(byId.two).toMatchObject({ pass: false, error: "unexpected failure: Error: boom", assertions: [] });
      expect(byId.four).toMatchObject({ pass: false, error: "no quorum: 0 of 2 members answered", assertions: [] });
      expect(byId.five).toMatchObject({ pass: true, error: null });
      expect(report.targets[0]?.errors).toBe(2);
    })
  );

  it.effect("each target gets the seed of its case and label, and its model calls carry the case scope", () =>
    Effect.gen(function* () {
      const seen: Array<unknown> = [];
      const executors: Executors<never> = {
        runTarget: (target, prompt, seed) =>
          Effect.map(currentCallScope, (scope) => {
            seen.push({ scope: [scope?.caseId, scope?.target], seed, label: target.kind === "model" && target.label });
            return answered(prompt);
          }),
        judge: noJudge
      };
      yield* executePlan(plan(suite(), { filter: "^two$" }), executors, "e").pipe(Effect.provide(EvalLog.none));
      expect(seen).toEqual([
        { scope: ["two", "a"], seed: seedFor("two", "a"), label: "a" },
        { scope: ["two", "b"], seed: seedFor("two", "b"), label: "b" }
      ]);
      expect(seedFor("two", "a")).not.toBe(seedFor("two", "b"));
    })
  );

  it.effect("a replay miss inside a case fails it with the miss, even if the target went on without that call", () =>
    Effect.gen(function* () {
      const executors: Executors<never> = {
        runTarget: (_target, prompt) =>
          Effect.gen(function* () {
            const scope = yield* currentCallScope;
            if (prompt === "say one" && scope) {
              yield* Ref.update(scope.replayMisses, (misses) => [
                ...misses,
                `replay miss: case "one", target ${scope.target}`
              ]);
            }
            return answered(prompt);
          }),
        judge: noJudge
      };
      const report = yield* executePlan(plan(suite({ threshold: 0.5 })), executors, "e").pipe(
        Effect.provide(EvalLog.none)
      );
      expect(report.cases[0]?.results[0]).toMatchObject({ pass: false, error: 'replay miss: case "one", target a' });
      expect(report.replayMisses).toHaveLength(2);
      expect(report.targets.every((target) => target.meetsThreshold)).toBe(true);
      expect(exitCodeFor(report)).toBe(2);
    })
  );

  it.effect("llm-rubric asks the judge through the executors; a judge failure fails the assertion either way", () =>
    Effect.gen(function* () {
      const config = suite({
        targets: [model("a")],
        cases: [
          {
            id: "graded",
            prompt: "capital of Australia?",
            assert: [
              { type: "llm-rubric", negate: false, value: "names Canberra" },
              { type: "llm-rubric", negate: true, value: "names Sydney" }
            ]
          }
        ]
      });
      const client = memoryClient((request) => {
        const content = request.messages[0]?.content ?? "";
        return content.includes("names Canberra")
          ? reply("<reason>It says Canberra.</reason><verdict>pass</verdict>")
          : reply("<reason>No Sydney.</reason><verdict>fail</verdict>");
      });
      const executors: Executors<LlmClient> = {
        runTarget: () => Effect.succeed(answered("Canberra")),
        judge: (judge, request) =>
          Effect.flatMap(LlmClient, (llm) =>
            llm.complete(provider(judge.provider), { ...judge, ...request, temperature: 0 })
          ).pipe(Effect.mapError((error) => error.message))
      };
      const report = yield* executePlan(plan(config), executors, "e").pipe(
        Effect.provide(Layer.merge(EvalLog.none, client.layer))
      );
      const result = report.cases[0]!.results[0]!;
      expect(result.assertions).toEqual([
        { type: "llm-rubric", pass: true, reason: "judge: It says Canberra." },
        { type: "not-llm-rubric", pass: true, reason: "judge: No Sydney." }
      ]);
      expect(result.pass).toBe(true);
      expect(result.judgeUsage.inputTokens).toBeGreaterThan(0);
      expect(client.calls[0]).toMatchObject({ provider: "openai", model: "gpt-4.1-mini", temperature: 0 });

      const failingJudge: Executors<never> = {
        runTarget: () => Effect.succeed(answered("Canberra")),
        judge: () => Effect.fail("HTTP 500")
      };
      const judged = yield* executePlan(plan(config), failingJudge, "e").pipe(Effect.provide(EvalLog.none));
      expect(judged.cases[0]!.results[0]!.assertions.map((assertion) => [assertion.pass, assertion.reason])).toEqual([
        [false, "judge openai/gpt-4.1-mini failed: HTTP 500"],
        [false, "judge openai/gpt-4.1-mini failed: HTTP 500"]
      ]);
    })
  );
});

describe("runSuite interrupted", () => {
  it.effect("still ends the eval in the EvalLog with exit code 130 and the cases finished so far", () =>
    Effect.gen(function* () {
      const log = yield* recordingLog;
      const hanging = yield* Deferred.make<void>();
      // "say one" is answered; "say two" hangs until interrupted, as a stuck provider would.
      const client = Layer.succeed(LlmClient, {
        complete: (_provider, request) =>
          request.messages.some((message) => message.content.includes("say two"))
            ? Effect.zipRight(Deferred.succeed(hanging, undefined), Effect.never)
            : Effect.succeed(reply("say one"))
      });
      const config = suite({ targets: [model("a")], cases: suite().cases.slice(0, 2) });
      const fiber = yield* Effect.fork(
        runSuite(config, { keysNeeded: false, env: {}, concurrency: 1, evalId: "stopped" }).pipe(
          Effect.provide(Layer.mergeAll(client, RunLog.none, log.layer))
        )
      );
      yield* Deferred.await(hanging);
      const exit = yield* Fiber.interrupt(fiber);
      expect(Exit.isInterrupted(exit)).toBe(true);

      const events = yield* Ref.get(log.events);
      const ended = events.at(-1);
      expect(ended).toMatchObject({ evalId: "stopped", outcome: "interrupted" });
      const report = (ended as EvalEnded).report;
      expect(report.cases.map((suiteCase) => [suiteCase.id, suiteCase.results.map((r) => [r.target, r.pass])])).toEqual(
        [["one", [["a", true]]]]
      );
      expect(report.targets[0]).toMatchObject({ target: "a", total: 1, passed: 1 });
    })
  );
});

describe("planSuite", () => {
  const problem = (config: SuiteConfig, options: Parameters<typeof planSuite>[1]) => {
    const planned = planSuite(config, options);
    return Either.isLeft(planned) ? planned.left : undefined;
  };

  it("rejects bad options and bad assertions before running anything", () => {
    expect(problem(suite(), { concurrency: 0 })).toMatchObject({ option: "--concurrency" });
    expect(problem(suite(), { threshold: 1.5 })).toMatchObject({ option: "--threshold" });
    expect(problem(suite(), { shard: "3/2" })).toMatchObject({ option: "--shard" });
    expect(problem(suite(), { filter: "[" })).toMatchObject({ option: "--filter" });
    expect(problem(suite(), { targets: [] })).toMatchObject({ option: "--target" });
    const badRegex = suite({
      cases: [{ id: "x", prompt: "p", assert: [{ type: "regex", negate: true, value: "(" }] }]
    });
    expect(problem(badRegex, { shard: "1/1" })).toMatchObject({
      _tag: "InvalidAssertion",
      caseId: "x",
      type: "not-regex"
    });
  });

  it("a filter matching no case id is an error naming the pattern; an empty shard is not", () => {
    const unmatched = problem(suite(), { filter: "^nothing-like-this$" });
    expect(unmatched).toMatchObject({ _tag: "InvalidEvalOption", option: "--filter" });
    expect(unmatched && "message" in unmatched ? unmatched.message : "").toContain("^nothing-like-this$");
    const shards = Array.from({ length: 40 }, (_, index) => plan(suite(), { filter: "o", shard: `${index + 1}/40` }));
    expect(shards.some((planned) => planned.cases.length === 0)).toBe(true);
    expect(shards.reduce((sum, planned) => sum + planned.cases.length, 0)).toBe(3);
  });

  it("options override the suite: threshold, targets; duplicate target names get #2", () => {
    const planned = plan(suite(), { threshold: 0.5, targets: [model("x"), model("x")], shard: "1/1" });
    expect(planned.threshold).toBe(0.5);
    expect(planned.targets.map((target) => target.label)).toEqual(["x", "x#2"]);
    expect(planned.cases).toHaveLength(6);
  });
});
