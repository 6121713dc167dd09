import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { RunLog } from "@consortium/engine";
import { layerLlmClient } from "@consortium/providers";
import { type FakeLlm, startFakeLlm } from "@consortium/testkit";
import { Effect, Layer } from "effect";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Cassette } from "../src/cassette/Cassette.js";
import { EvalLog } from "../src/EvalLog.js";
import { exitCodeFor } from "../src/report/exitCode.js";
import { runSuite } from "../src/runner/runSuite.js";
import { exampleReply } from "./exampleAnswers.js";
import { comparable, loadSuite, repoPath } from "./helpers.js";

// End to end over real HTTP: the live client (official SDKs) against the loopback fake server, the
// real engine, the real suite loader; then the same suite replayed with the server stopped.

let fake: FakeLlm;
let env: Record<string, string>;
const exampleSuite = repoPath("examples/eval/suite.yaml");

beforeAll(async () => {
  fake = await startFakeLlm({ defaultReply: exampleReply });
  env = {
    OPENAI_API_KEY: "sk-test-never-recorded",
    ANTHROPIC_API_KEY: "sk-ant-test-never-recorded",
    OPENAI_BASE_URL: fake.openaiBaseUrl,
    ANTHROPIC_BASE_URL: fake.anthropicBaseUrl
  };
});
afterAll(() => fake.close());

const tempDir = () => mkdtempSync(join(tmpdir(), "eval-e2e-"));
const services = (client: Layer.Layer<import("@consortium/providers").LlmClient, unknown>) =>
  Layer.mergeAll(client, RunLog.none, EvalLog.none);

describe("runSuite against the fake server", () => {
  it("runs the example suite live, records it, and replays it identically with the server stopped", async () => {
    // Its own server, since this test stops it.
    const own = await startFakeLlm({ defaultReply: exampleReply });
    const ownEnv = { ...env, OPENAI_BASE_URL: own.openaiBaseUrl, ANTHROPIC_BASE_URL: own.anthropicBaseUrl };
    const suite = await Effect.runPromise(loadSuite(exampleSuite));
    const cassette = join(tempDir(), "suite.cassette.jsonl");
    const live = Cassette.record(cassette).pipe(Layer.provide(layerLlmClient({ env: ownEnv })));

    const recorded = await Effect.runPromise(runSuite(suite, { env: ownEnv }).pipe(Effect.provide(services(live))));
    expect(exitCodeFor(recorded), JSON.stringify(recorded.cases, null, 2)).toBe(0);
    expect(recorded.targets.map((target) => [target.target, target.kind, target.passed])).toEqual([
      ["research", "consortium", 4],
      ["openai/gpt-5.1-mini", "model", 4]
    ]);
    expect(recorded.targets[0]?.meanConfidence).toBeCloseTo(0.92);
    expect(recorded.cases.find((c) => c.id === "seasons")?.results[0]?.judgeUsage.inputTokens).toBeGreaterThan(0);
    const calls = own.requests.length;
    // 4 cases × (3 members + arbiter) + 4 single calls + 2 judge calls.
    expect(calls).toBe(4 * 4 + 4 + 2);

    const file = readFileSync(cassette, "utf8");
    expect(file.trimEnd().split("\n")).toHaveLength(calls);
    expect(file).not.toContain("never-recorded");
    expect(file).not.toContain(own.url);

    await own.close();
    const replayed = await Effect.runPromise(
      runSuite(suite, { keysNeeded: false, env: {} }).pipe(Effect.provide(services(Cassette.replay(cassette))))
    );
    expect(comparable(replayed)).toEqual(comparable(recorded));
    expect(replayed.replayMisses).toEqual([]);
    expect(exitCodeFor(replayed)).toBe(0);

    // A changed prompt misses the cassette: that case fails loudly, naming the case, target and model.
    const changed = {
      ...suite,
      cases: suite.cases.map((c) => (c.id === "capital" ? { ...c, prompt: `${c.prompt} Be brief.` } : c))
    };
    const missed = await Effect.runPromise(
      runSuite(changed, { keysNeeded: false, env: {}, threshold: 0.5 }).pipe(
        Effect.provide(services(Cassette.replay(cassette)))
      )
    );
    const capital = missed.cases.find((c) => c.id === "capital")!;
    expect(capital.results.map((result) => result.pass)).toEqual([false, false]);
    expect(capital.results[1]?.error).toMatch(
      /^replay miss: case "capital", target openai\/gpt-5\.1-mini, openai\/gpt-5\.1-mini: no recorded answer for this request .*\(re-record with --record\)$/
    );
    expect(capital.results[0]?.error).toContain('replay miss: case "capital", target research, openai/gpt-5.4:');
    expect(missed.cases.filter((c) => c.id !== "capital").every((c) => c.results.every((r) => r.pass))).toBe(true);
    expect(exitCodeFor(missed)).toBe(2);
  });
});

describe("runSuite: identical requests, keys", () => {
  const writeSuite = (dir: string) => {
    writeFileSync(
      join(dir, "pair.yaml"),
      [
        "name: pair",
        "members: [openai/gpt-4.1-mini:3]",
        "arbiter: openai/gpt-4.1",
        "confidence_threshold: 0.5",
        "limits: {retries: 0}"
      ].join("\n")
    );
    writeFileSync(
      join(dir, "suite.yaml"),
      [
        "name: pairs",
        "targets: [pair.yaml]",
        "cases:",
        ...["a", "b", "c", "d", "e"].map(
          (id) => `  - {id: ${id}, prompt: "question ${id}", assert: [{type: contains, value: draft}]}`
        )
      ].join("\n")
    );
    return join(dir, "suite.yaml");
  };

  it("three instances asking the same thing get their own recorded answers back, in order, on replay", async () => {
    const dir = tempDir();
    const suite = await Effect.runPromise(loadSuite(writeSuite(dir)));
    // Every call gets a different answer, so a mix-up between instances changes the arbiter's prompt
    // (which lists the answers in a seeded order) and would show up as a replay miss.
    let n = 0;
    fake.reset();
    fake.script("gpt-4.1-mini", () => ({ text: `draft number ${++n}` }));
    fake.script("gpt-4.1", (request) => ({
      text: `<synthesis>${request.messages
        .at(-1)
        ?.content.match(/draft number \d+/g)
        ?.join(" + ")}</synthesis><confidence>0.9</confidence><needs_iteration>false</needs_iteration>`
    }));
    const cassette = join(dir, "pairs.cassette.jsonl");
    const live = Cassette.record(cassette).pipe(Layer.provide(layerLlmClient({ env })));
    const recorded = await Effect.runPromise(
      runSuite(suite, { env, concurrency: 5 }).pipe(Effect.provide(services(live)))
    );
    expect(exitCodeFor(recorded), JSON.stringify(recorded.cases, null, 2)).toBe(0);
    const entries = readFileSync(cassette, "utf8")
      .trimEnd()
      .split("\n")
      .map(
        (line) => JSON.parse(line) as { case: string; model: string; occurrence: number; call: { instance: number } }
      );
    // each instance's answer is filed under its own call, so a different start order cannot swap them
    expect(
      entries
        .filter((e) => e.case === "a" && e.model === "gpt-4.1-mini")
        .map((e) => [e.call.instance, e.occurrence])
        .sort()
    ).toEqual([
      [1, 0],
      [2, 0],
      [3, 0]
    ]);

    const replayed = await Effect.runPromise(
      runSuite(suite, { keysNeeded: false, env: {}, concurrency: 5 }).pipe(
        Effect.provide(services(Cassette.replay(cassette)))
      )
    );
    expect(replayed.replayMisses).toEqual([]);
    expect(comparable(replayed)).toEqual(comparable(recorded));
  });

  it("a missing key fails the eval before any call; an unknown provider fails even when replaying", async () => {
    const dir = tempDir();
    const suite = await Effect.runPromise(loadSuite(writeSuite(dir)));
    fake.reset();
    const { OPENAI_API_KEY: _dropped, ...noOpenAiKey } = env;
    const error = await Effect.runPromise(
      Effect.flip(
        runSuite(suite, { env: noOpenAiKey }).pipe(Effect.provide(services(layerLlmClient({ env: noOpenAiKey }))))
      )
    );
    expect(error).toMatchObject({ _tag: "MissingApiKey", provider: "openai", variable: "OPENAI_API_KEY" });
    expect(fake.requests).toHaveLength(0);

    const withJudge = {
      ...suite,
      cases: [
        {
          id: "judged",
          prompt: "q",
          assert: [{ type: "llm-rubric" as const, negate: false, value: "ok", judge: { provider: "nope", model: "m" } }]
        }
      ]
    };
    const emptyCassette = join(dir, "empty.cassette.jsonl");
    writeFileSync(emptyCassette, "");
    const unknown = await Effect.runPromise(
      Effect.flip(
        runSuite(withJudge, { keysNeeded: false, env: {} }).pipe(
          Effect.provide(services(Cassette.replay(emptyCassette)))
        )
      )
    );
    expect(unknown).toMatchObject({ _tag: "UnknownProvider", provider: "nope" });
  });
});
