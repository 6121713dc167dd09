import { join } from "node:path";
import { RunLog } from "@consortium/engine";
import { type CaseTargetResult, EvalLog, type EvalReport } from "@consortium/eval";
import { Store, StoreEvalLog } from "@consortium/store";
import { afterAll, describe, expect, it } from "@effect/vitest";
import { Effect } from "effect";
import { callsOfRun, runEnded, runStarted, tempDir } from "./fixtures.js";

const tmp = tempDir();
afterAll(tmp.cleanup);

const targetResult = (overrides: Partial<CaseTargetResult>): CaseTargetResult => ({
  target: "research",
  pass: true,
  output: "Canberra is the capital of Australia.",
  confidence: 0.9,
  latencyMs: 25_000,
  usage: { inputTokens: 1000, outputTokens: 500 },
  judgeUsage: { inputTokens: 0, outputTokens: 0 },
  costUsd: null,
  runId: "01JH3K2M7QXRUN0000000000AA",
  status: "completed",
  error: null,
  replayMisses: [],
  assertions: [{ type: "icontains", pass: true, reason: 'contains "canberra"' }],
  ...overrides
});

const report: EvalReport = {
  evalId: "01JH3K2M7QXEVAL000000000AA",
  suite: "smoke",
  source: null,
  threshold: 1,
  shard: null,
  filter: null,
  targets: [],
  cases: [],
  replayMisses: [],
  startedAt: "2025-01-02T10:00:00.000Z",
  endedAt: "2025-01-02T10:01:00.000Z",
  durationMs: 60_000
};

describe("StoreEvalLog", () => {
  it.effect("records an eval, its case results linked to their runs, and its ending", () => {
    const path = join(tmp.dir, "eval.db");
    const runId = "01JH3K2M7QXRUN0000000000AA";
    const evalId = report.evalId;
    return Effect.gen(function* () {
      const evalLog = yield* EvalLog;
      const runLog = yield* RunLog;
      const store = yield* Store;
      yield* evalLog.evalStarted({
        evalId,
        suite: "smoke",
        source: "/work/examples/smoke.yaml",
        targets: ["research", "openai/gpt-4.1-mini"],
        caseIds: ["capital"],
        threshold: 1,
        startedAt: report.startedAt
      });
      expect((yield* store.listEvals())[0]).toMatchObject({ id: evalId, status: "running", results: 0, passed: 0 });

      // The consortium target's run goes through the RunLog, the case result through the EvalLog.
      yield* runLog.runStarted(runStarted(runId));
      for (const call of callsOfRun(runId)) yield* runLog.callEnded(call);
      yield* runLog.runEnded(runEnded(runId, "completed"));
      yield* evalLog.caseResult({
        evalId,
        caseId: "capital",
        result: targetResult({}),
        endedAt: "2025-01-02T10:00:30.000Z"
      });
      yield* evalLog.caseResult({
        evalId,
        caseId: "capital",
        result: targetResult({
          target: "openai/gpt-4.1-mini",
          pass: false,
          output: "Sydney.",
          confidence: null,
          runId: null,
          costUsd: 0.0004,
          status: "completed",
          assertions: [{ type: "icontains", pass: false, reason: 'does not contain "canberra"' }]
        }),
        endedAt: "2025-01-02T10:00:31.000Z"
      });
      yield* evalLog.evalEnded({ evalId, outcome: "failed", report });

      const [summary] = yield* store.listEvals();
      expect(summary).toEqual({
        id: evalId,
        suite: "smoke",
        status: "failed",
        startedAt: report.startedAt,
        endedAt: report.endedAt,
        results: 2,
        passed: 1
      });
      const stored = yield* store.getEval(evalId);
      expect(stored).toMatchObject({
        sourceFile: "/work/examples/smoke.yaml",
        gitCommit: null,
        config: { targets: ["research", "openai/gpt-4.1-mini"], caseIds: ["capital"], threshold: 1 },
        summary: { evalId, suite: "smoke", durationMs: 60_000 }
      });
      expect(stored.results.map((r) => [r.target, r.runId, r.passed, r.output, r.costUsd])).toEqual([
        ["openai/gpt-4.1-mini", null, false, "Sydney.", 0.0004],
        ["research", runId, true, "Canberra is the capital of Australia.", null]
      ]);
      expect(stored.results[0]?.assertions).toEqual([
        { type: "icontains", pass: false, reason: 'does not contain "canberra"' }
      ]);
    }).pipe(Effect.provide(StoreEvalLog.layerWithStore(path)));
  });

  it.effect("stores no link to a run that was never recorded here, rather than failing the result", () => {
    const path = join(tmp.dir, "unlinked.db");
    return Effect.gen(function* () {
      const evalLog = yield* EvalLog;
      const store = yield* Store;
      yield* evalLog.evalStarted({
        evalId: "e2",
        suite: "smoke",
        source: null,
        targets: ["research"],
        caseIds: ["capital"],
        threshold: 1,
        startedAt: report.startedAt
      });
      yield* evalLog.caseResult({
        evalId: "e2",
        caseId: "capital",
        result: targetResult({ runId: "NOT-RECORDED" }),
        endedAt: report.endedAt
      });
      expect((yield* store.getEval("e2")).results.map((r) => r.runId)).toEqual([null]);
      expect((yield* Effect.flip(store.getEval("nope")))._tag).toBe("EvalNotFound");
    }).pipe(Effect.provide(StoreEvalLog.layerWithStore(path)));
  });
});
