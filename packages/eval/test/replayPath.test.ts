import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type CallRecord, RunLog, type RunStarted } from "@consortium/engine";
import { LlmClient } from "@consortium/providers";
import { Effect, Layer } from "effect";
import { describe, expect, it } from "vitest";
import { Cassette } from "../src/cassette/Cassette.js";
import { type EvalCaseResult, EvalLog } from "../src/EvalLog.js";
import { runSuite } from "../src/runner/runSuite.js";
import { comparable, loadSuite, repoPath } from "./helpers.js";

// A replay declares that it answers from memory, and the engine and the runner take a cheaper path for
// it (no fiber per member, case target or run timeout). The same cassette served by a client that
// declares nothing goes the normal path; both must give the same report and the same records (what
// the store writes): with every answer recorded, and with one member's answer missing from the
// cassette (a failing member, then a failing arbiter and fallback).

const exampleSuite = repoPath("examples/eval/suite.yaml");
const exampleCassette = repoPath("examples/eval/suite.cassette.jsonl");

/** The replay as it is, or the same answers through a client that says nothing about how it answers. */
const replayClient = (cassette: string, path: "local" | "normal"): Layer.Layer<LlmClient, unknown> =>
  path === "local"
    ? Cassette.replay(cassette)
    : Layer.effect(
        LlmClient,
        Effect.map(LlmClient, (replay) => ({ complete: replay.complete }))
      ).pipe(Layer.provide(Cassette.replay(cassette)));

const replayed = async (cassette: string, path: "local" | "normal") => {
  const started: Array<RunStarted> = [];
  const calls: Array<CallRecord> = [];
  const results: Array<EvalCaseResult> = [];
  const logs = Layer.mergeAll(
    Layer.succeed(RunLog, {
      runStarted: (run) => Effect.sync(() => void started.push(run)),
      callEnded: (call) => Effect.sync(() => void calls.push(call)),
      runEnded: () => Effect.void
    }),
    Layer.succeed(EvalLog, {
      evalStarted: () => Effect.void,
      caseResult: (result) => Effect.sync(() => void results.push(result)),
      evalEnded: () => Effect.void
    })
  );
  const suite = await Effect.runPromise(loadSuite(exampleSuite));
  const report = await Effect.runPromise(
    runSuite(suite, { keysNeeded: false, env: {}, threshold: 0 }).pipe(
      Effect.provide(Layer.merge(replayClient(cassette, path), logs))
    )
  );
  // Run ids and times differ between any two evals: calls are named by their run's prompt instead.
  const promptOf = new Map(started.map((run) => [run.runId, run.prompt]));
  const records = calls
    .map(({ runId, startedAt: _s, endedAt: _e, latencyMs: _l, ...call }) => ({ prompt: promptOf.get(runId), ...call }))
    .map((call) => JSON.stringify(call))
    .sort();
  const caseResults = results
    .map(({ caseId, result }) => JSON.stringify({ caseId, ...comparableResult(result) }))
    .sort();
  return { report: comparable(report), misses: report.replayMisses, records, caseResults };
};

const comparableResult = (result: EvalCaseResult["result"]) => {
  const { runId: _runId, latencyMs: _latency, assertions, ...rest } = result;
  return { ...rest, assertions: assertions.filter((assertion) => !assertion.type.endsWith("max-latency-ms")) };
};

describe("a cassette replay goes the cheap path, with the normal path's outcome", () => {
  it("every answer recorded: the same report and the same records", async () => {
    const [local, normal] = [await replayed(exampleCassette, "local"), await replayed(exampleCassette, "normal")];
    expect(local.misses).toEqual([]);
    // 4 cases × (3 members + arbiter)
    expect(local.records).toHaveLength(16);
    expect(local).toEqual(normal);
  });

  it("a member's answer missing: the arbiter and its fallback miss too, the case fails, on both paths", async () => {
    const lines = readFileSync(exampleCassette, "utf8").trimEnd().split("\n");
    const member = lines.findIndex((line) => {
      const entry = JSON.parse(line);
      return entry.case === "capital" && entry.target === "research" && entry.model === "gpt-5.4";
    });
    expect(member).toBeGreaterThanOrEqual(0);
    const cassette = join(mkdtempSync(join(tmpdir(), "eval-replay-path-")), "holed.cassette.jsonl");
    writeFileSync(cassette, `${lines.filter((_, index) => index !== member).join("\n")}\n`);

    const [local, normal] = [await replayed(cassette, "local"), await replayed(cassette, "normal")];
    // The member misses; with one answer fewer the arbiter's prompt differs, so it and its fallback miss too.
    expect(local.misses.map((miss) => miss.split(": ")[1])).toEqual([
      'case "capital", target research, openai/gpt-5.4',
      'case "capital", target research, anthropic/claude-opus-5',
      'case "capital", target research, openai/gpt-5.4'
    ]);
    const capital = local.report.find((suiteCase) => suiteCase.id === "capital")!;
    expect(capital.results.map((result) => [result.target, result.pass, result.status])).toEqual([
      ["research", false, "failed"],
      ["openai/gpt-5.1-mini", true, "completed"]
    ]);
    expect(local.records.filter((record) => record.includes('"RequestRejected"'))).toHaveLength(3);
    expect(local).toEqual(normal);
  });
});
