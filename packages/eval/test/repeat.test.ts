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
import { runSuite } from "../src/runner/runSuite.js";
import { loadSuite } from "./helpers.js";

// A flaky target run three times: right, wrong, right. With case_threshold 0.6 the case passes on its
// 2/3; each repeat is its own call at the server and its own line in the cassette.

let fake: FakeLlm;
let env: Record<string, string>;

beforeAll(async () => {
  fake = await startFakeLlm();
  env = { OPENAI_API_KEY: "sk-test-repeat", OPENAI_BASE_URL: fake.openaiBaseUrl };
});
afterAll(() => fake.close());

const suiteFile = (extra: string): string => {
  const dir = mkdtempSync(join(tmpdir(), "eval-repeat-"));
  const file = join(dir, "suite.yaml");
  writeFileSync(
    file,
    `name: repeat
targets: [{model: openai/gpt-flaky}]
${extra}
cases:
  - {id: capital, prompt: Capital of Australia?, assert: [{type: icontains, value: canberra}]}
`
  );
  return file;
};

const flaky = () => {
  fake.reset();
  fake.script("gpt-flaky", [{ text: "Canberra." }, { text: "Sydney." }, { text: "Canberra." }]);
};

describe("repeats", () => {
  it("run each case N times and pass it on its share of passes", async () => {
    flaky();
    const cassette = join(mkdtempSync(join(tmpdir(), "eval-repeat-cassette-")), "c.jsonl");
    const suite = await Effect.runPromise(loadSuite(suiteFile("repeat: 3\ncase_threshold: 0.6")));
    const recorder = Cassette.record(cassette).pipe(Layer.provide(layerLlmClient({ env })));
    const report = await Effect.runPromise(
      runSuite(suite, { env }).pipe(Effect.provide(Layer.mergeAll(recorder, RunLog.none, EvalLog.none)))
    );
    expect(fake.requests).toHaveLength(3);
    const result = report.cases[0]!.results[0]!;
    expect(result.repeats).toEqual({ runs: 3, passed: 2, share: 2 / 3 });
    expect(result.pass).toBe(true);
    expect(readFileSync(cassette, "utf8").trimEnd().split("\n")).toHaveLength(3);

    const replayed = await Effect.runPromise(
      runSuite(suite, { keysNeeded: false, env: {} }).pipe(
        Effect.provide(Layer.mergeAll(Cassette.replay(cassette), RunLog.none, EvalLog.none))
      )
    );
    expect(replayed.replayMisses).toEqual([]);
    expect(replayed.cases[0]!.results[0]!.repeats).toEqual({ runs: 3, passed: 2, share: 2 / 3 });
  });

  it("need every repeat to pass by default, and --repeat overrides the suite", async () => {
    flaky();
    const suite = await Effect.runPromise(loadSuite(suiteFile("")));
    const report = await Effect.runPromise(
      runSuite(suite, { env, repeat: 3 }).pipe(
        Effect.provide(Layer.mergeAll(layerLlmClient({ env }), RunLog.none, EvalLog.none))
      )
    );
    expect(fake.requests).toHaveLength(3);
    expect(report.cases[0]!.results[0]).toMatchObject({ pass: false, repeats: { runs: 3, passed: 2 } });
  });
});
