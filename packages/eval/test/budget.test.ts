import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { RunLog } from "@consortium/engine";
import { layerLlmClient } from "@consortium/providers";
import { type FakeLlm, startFakeLlm } from "@consortium/testkit";
import { Effect, Layer } from "effect";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { EvalLog } from "../src/EvalLog.js";
import { exitCodeFor } from "../src/report/exitCode.js";
import { renderJunit } from "../src/report/junit.js";
import { runSuite } from "../src/runner/runSuite.js";
import { loadSuite } from "./helpers.js";

// An eval's cost per case and target, and its budget, against the fake server: every answer writes
// exactly its max_tokens at $1,000 per million output tokens (input free), so a call costs $0.10.

let fake: FakeLlm;
let env: Record<string, string>;

beforeAll(async () => {
  fake = await startFakeLlm();
  env = { OPENAI_API_KEY: "sk-test-budget", OPENAI_BASE_URL: fake.openaiBaseUrl };
});
afterAll(() => fake.close());
beforeEach(() => {
  fake.reset();
  fake.script("gpt-x", { text: "Canberra.", usage: { input: 30, output: 100 } });
});

const suiteFile = (extra: string): string => {
  const dir = mkdtempSync(join(tmpdir(), "eval-budget-"));
  const file = join(dir, "suite.yaml");
  writeFileSync(
    file,
    `name: budget
targets:
  - {model: openai/gpt-x, max_tokens: 100}
providers:
  openai:
    prices:
      gpt-x: {input: 0, output: 1000}
${extra}
cases:
  - {id: a, prompt: one, assert: [{type: icontains, value: canberra}]}
  - {id: b, prompt: two, assert: [{type: icontains, value: canberra}]}
  - {id: c, prompt: three, assert: [{type: icontains, value: canberra}]}
  - {id: d, prompt: four, assert: [{type: icontains, value: canberra}]}
`
  );
  return file;
};

const services = () => Layer.mergeAll(layerLlmClient({ env }), RunLog.none, EvalLog.none);

describe("eval cost and budget", () => {
  it("reports the cost of every case and target", async () => {
    const suite = await Effect.runPromise(loadSuite(suiteFile("")));
    const report = await Effect.runPromise(runSuite(suite, { env, concurrency: 1 }).pipe(Effect.provide(services())));
    expect(report.cases.map((suiteCase) => suiteCase.results[0]?.costUsd)).toEqual([0.1, 0.1, 0.1, 0.1]);
    expect(report.targets[0]).toMatchObject({ passed: 4, skipped: 0 });
    expect(report.targets[0]?.costUsd).toBeCloseTo(0.4, 12);
    expect(report.targets[0]?.costPerCaseUsd).toBeCloseTo(0.1, 12);
    expect(renderJunit(report)).toContain('<property name="costUsd" value="0.4');
  });

  it("counts the llm-rubric judge's calls in the case's cost", async () => {
    fake.script("judge-x", {
      text: "<reason>It names Canberra.</reason><verdict>pass</verdict>",
      usage: { input: 10, output: 20 }
    });
    const file = suiteFile("judge: openai/judge-x");
    writeFileSync(
      file,
      readFileSync(file, "utf8")
        .replace(
          "gpt-x: {input: 0, output: 1000}",
          "gpt-x: {input: 0, output: 1000}\n      judge-x: {input: 0, output: 500}"
        )
        .replace(
          "{id: a, prompt: one, assert: [{type: icontains, value: canberra}]}",
          "{id: a, prompt: one, assert: [{type: llm-rubric, value: names Canberra}]}"
        )
    );
    const suite = await Effect.runPromise(loadSuite(file));
    const report = await Effect.runPromise(runSuite(suite, { env, concurrency: 1 }).pipe(Effect.provide(services())));
    // the answer: 100 output tokens at $1,000 per million; the judge: 20 at $500 per million
    expect(report.cases[0]?.results[0]?.costUsd).toBeCloseTo(0.11, 12);
    expect(report.cases[1]?.results[0]?.costUsd).toBeCloseTo(0.1, 12);
    expect(report.targets[0]?.costUsd).toBeCloseTo(0.41, 12);
  });

  it("counts the answer's cost as a lower bound when its judge's model has no price", async () => {
    fake.script("judge-y", { text: "<reason>ok</reason><verdict>pass</verdict>", usage: { input: 10, output: 20 } });
    const file = suiteFile("judge: openai/judge-y");
    writeFileSync(
      file,
      readFileSync(file, "utf8").replace(
        "{id: a, prompt: one, assert: [{type: icontains, value: canberra}]}",
        "{id: a, prompt: one, assert: [{type: llm-rubric, value: names Canberra}]}"
      )
    );
    const suite = await Effect.runPromise(loadSuite(file));
    const report = await Effect.runPromise(runSuite(suite, { env, concurrency: 1 }).pipe(Effect.provide(services())));
    expect(report.cases[0]?.results[0]).toMatchObject({ costUsd: 0.1, costComplete: false });
    expect(report.cases[1]?.results[0]).toMatchObject({ costUsd: 0.1, costComplete: true });
    expect(report.targets[0]?.costUsd).toBeCloseTo(0.4, 12);
    expect(report.targets[0]?.costComplete).toBe(false);
  });

  it("stops at its budget: the cases it could not afford are skipped, and the eval fails", async () => {
    const suite = await Effect.runPromise(loadSuite(suiteFile("budget_usd: 0.25")));
    const report = await Effect.runPromise(runSuite(suite, { env, concurrency: 1 }).pipe(Effect.provide(services())));
    expect(fake.requests).toHaveLength(2);
    const results = report.cases.map((suiteCase) => suiteCase.results[0]!);
    expect(results.map((result) => [result.pass, result.skipped ?? false])).toEqual([
      [true, false],
      [true, false],
      [false, true],
      [false, true]
    ]);
    // the refused call's most, so the suite's budget_usd can be raised by the right amount
    expect(results[2]?.error).toBe(
      "not run: budget of $0.25 reached ($0.20 spent; the next call could cost up to $0.10, so it needs a limit of at least $0.30)"
    );
    expect(report.targets[0]).toMatchObject({ passed: 2, skipped: 2, total: 4 });
    expect(exitCodeFor({ ...report, threshold: 0.5, targets: [{ ...report.targets[0]!, meetsThreshold: true }] })).toBe(
      1
    );
    expect(renderJunit(report)).toContain('skipped="2"');
  });

  it("checks max-cost-usd against the case's cost, and fails it when the cost is unknown", async () => {
    const dir = mkdtempSync(join(tmpdir(), "eval-max-cost-"));
    const file = join(dir, "suite.yaml");
    writeFileSync(
      file,
      `name: max-cost
targets:
  - {model: openai/gpt-x, max_tokens: 100}
  - {model: openai/unpriced-x, max_tokens: 100}
providers:
  openai:
    prices:
      gpt-x: {input: 0, output: 1000}
cases:
  - {id: cheap-enough, prompt: one, assert: [{type: max-cost-usd, value: 0.2}]}
  - {id: too-dear, prompt: two, assert: [{type: max-cost-usd, value: 0.05}]}
`
    );
    fake.script("unpriced-x", { text: "Canberra.", usage: { input: 30, output: 100 } });
    const suite = await Effect.runPromise(loadSuite(file));
    const report = await Effect.runPromise(runSuite(suite, { env, concurrency: 1 }).pipe(Effect.provide(services())));
    const verdicts = report.cases.map((suiteCase) => suiteCase.results.map((result) => result.pass));
    expect(verdicts).toEqual([
      [true, false],
      [false, false]
    ]);
    expect(report.cases[1]?.results[0]?.assertions[0]?.reason).toBe("cost $0.100000 > $0.05");
    expect(report.cases[0]?.results[1]?.assertions[0]?.reason).toContain("the cost is unknown");
  });
});
