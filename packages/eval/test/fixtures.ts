import type { AssertionResult } from "../src/assertions/types.js";
import { summarizeTarget } from "../src/report/summarize.js";
import type { CaseReport, CaseTargetResult, EvalReport } from "../src/report/types.js";

export const result = (overrides: Partial<CaseTargetResult> & Pick<CaseTargetResult, "target">): CaseTargetResult => {
  const assertions: ReadonlyArray<AssertionResult> = overrides.assertions ?? [
    { type: "icontains", pass: true, reason: 'output contains "canberra" (ignoring case)' }
  ];
  return {
    pass: assertions.every((assertion) => assertion.pass) && (overrides.error ?? null) === null,
    output: "Canberra.",
    confidence: null,
    latencyMs: 100,
    usage: { inputTokens: 10, outputTokens: 5 },
    judgeUsage: { inputTokens: 0, outputTokens: 0 },
    costUsd: null,
    runId: null,
    status: "completed",
    error: null,
    replayMisses: [],
    ...overrides,
    assertions
  };
};

/** A report as runSuite builds it: summaries computed from the cases, in target order. */
export const report = (
  cases: ReadonlyArray<CaseReport>,
  targets: ReadonlyArray<{ readonly target: string; readonly kind: "consortium" | "model" }>,
  overrides: Partial<EvalReport> = {}
): EvalReport => {
  const threshold = overrides.threshold ?? 1;
  return {
    evalId: "eval-1",
    suite: "smoke",
    source: "/repo/examples/eval/suite.yaml",
    threshold,
    shard: null,
    filter: null,
    targets: targets.map(({ target, kind }) =>
      summarizeTarget(
        target,
        kind,
        cases.flatMap((suiteCase) => suiteCase.results.filter((result) => result.target === target)),
        threshold
      )
    ),
    cases,
    replayMisses: cases.flatMap((suiteCase) => suiteCase.results.flatMap((result) => result.replayMisses)),
    startedAt: "2025-01-01T00:00:00.000Z",
    endedAt: "2025-01-01T00:00:02.000Z",
    durationMs: 2000,
    ...overrides
  };
};
