import { Either } from "effect";
import { describe, expect, it } from "vitest";
import { exitCodeFor } from "../src/report/exitCode.js";
import { asEvalReport, mergeReports } from "../src/report/merge.js";
import type { CaseTargetResult, EvalReport } from "../src/report/types.js";

const result = (target: string, pass: boolean): CaseTargetResult => ({
  target,
  pass,
  output: "x",
  confidence: null,
  latencyMs: 10,
  usage: { inputTokens: 1, outputTokens: 1 },
  judgeUsage: { inputTokens: 0, outputTokens: 0 },
  costUsd: null,
  runId: null,
  status: "completed",
  error: null,
  replayMisses: [],
  assertions: []
});

const shard = (
  index: number,
  cases: ReadonlyArray<readonly [string, boolean]>,
  overrides: Partial<EvalReport> = {}
) => ({
  name: `shard-${index}.json`,
  report: {
    evalId: "run-7-1",
    suite: "smoke",
    source: null,
    threshold: 0.75,
    shard: { index, count: 2 },
    filter: null,
    targets: [{ target: "a", kind: "model" }],
    cases: cases.map(([id, pass]) => ({ id, prompt: id, results: [result("a", pass)] })),
    replayMisses: [],
    startedAt: `2025-01-02T10:00:0${index}.000Z`,
    endedAt: `2025-01-02T10:01:0${index}.000Z`,
    durationMs: 60_000,
    ...overrides
  } as EvalReport
});

describe("mergeReports", () => {
  it("judges the threshold over every case of every shard, not shard by shard", () => {
    // shard 2 alone passes 1 of 2 (below 0.75); together 3 of 4 meet it
    const merged = Either.getOrThrow(
      mergeReports([
        shard(2, [
          ["c", true],
          ["d", false]
        ]),
        shard(1, [
          ["a", true],
          ["b", true]
        ])
      ])
    );
    expect(merged.cases.map((one) => one.id)).toEqual(["a", "b", "c", "d"]);
    expect(merged.targets).toMatchObject([{ target: "a", total: 4, passed: 3, meetsThreshold: true }]);
    expect(merged).toMatchObject({
      evalId: "run-7-1",
      shard: null,
      startedAt: "2025-01-02T10:00:01.000Z",
      endedAt: "2025-01-02T10:01:02.000Z",
      durationMs: 61_000
    });
  });

  it("stays interrupted when a shard was, with every shard's planned results", () => {
    const stopped = shard(1, [["a", true]], { interrupted: { resultsPlanned: 3 } });
    const merged = Either.getOrThrow(mergeReports([stopped, shard(2, [["b", true]])]));
    expect(merged.interrupted).toEqual({ resultsPlanned: 4 });
    // every result that ran passed, but a stopped shard's cases never ran: the gate must not pass
    expect(exitCodeFor(merged)).toBe(1);
    const whole = Either.getOrThrow(mergeReports([shard(1, [["a", true]]), shard(2, [["b", true]])]));
    expect(whole.interrupted).toBeUndefined();
    expect(exitCodeFor(whole)).toBe(0);
  });

  it("refuses different suites, thresholds, targets and overlapping cases, naming the files", () => {
    const one = shard(1, [["a", true]]);
    expect(mergeReports([one, shard(2, [["b", true]], { suite: "other" })])).toEqual(
      Either.left('cannot merge reports of different suites: shard-1.json is "smoke", shard-2.json is "other"')
    );
    expect(Either.isLeft(mergeReports([one, shard(2, [["b", true]], { threshold: 1 })]))).toBe(true);
    expect(Either.isLeft(mergeReports([one, shard(2, [["b", true]], { targets: [] })]))).toBe(true);
    expect(mergeReports([one, shard(2, [["a", false]])])).toEqual(
      Either.left('cannot merge overlapping reports: case "a" is in both shard-1.json and shard-2.json')
    );
    expect(Either.isLeft(mergeReports([]))).toBe(true);
  });

  it("refuses shards that do not make the whole suite: one missing, split differently, or given twice", () => {
    const one = shard(1, [["a", true]]);
    expect(mergeReports([one])).toEqual(
      Either.left("cannot merge an incomplete eval: shard 2/2 is missing (given: shard 1/2 in shard-1.json)")
    );
    const ofThree = (index: number) => ({
      ...shard(index, []),
      report: { ...shard(index, []).report, shard: { index, count: 3 } }
    });
    expect(mergeReports([ofThree(3), ofThree(1)])).toEqual(
      Either.left(
        "cannot merge an incomplete eval: shard 2/3 is missing (given: shard 1/3 in shard-1.json, shard 3/3 in shard-3.json)"
      )
    );
    expect(mergeReports([one, ofThree(2)])).toEqual(
      Either.left("cannot merge shards of different splits: shard-1.json is shard 1/2, shard-2.json is shard 2/3")
    );
    // no cases to overlap (a filter left this shard none), yet the same shard twice
    const empty = shard(2, []);
    expect(mergeReports([one, empty, { ...empty, name: "again.json" }])).toEqual(
      Either.left("cannot merge shard 2/2 twice: it is both shard-2.json and again.json")
    );
    const whole = { ...shard(1, [["b", true]]), name: "whole.json" };
    const wholeReport = { ...whole, report: { ...whole.report, shard: null } };
    expect(mergeReports([one, wholeReport])).toEqual(
      Either.left("cannot merge a whole eval with shards: whole.json ran every case, shard-1.json is shard 1/2")
    );
    expect(Either.isRight(mergeReports([wholeReport]))).toBe(true);
  });

  it("takes only what has a report's shape", () => {
    expect(asEvalReport(shard(1, [["a", true]]).report)).toBeDefined();
    expect(asEvalReport({ suite: "smoke" })).toBeUndefined();
    expect(
      asEvalReport({ ...shard(1, [["a", true]]).report, cases: [{ id: "a", results: [{ target: 1 }] }] })
    ).toBeUndefined();
    expect(asEvalReport(null)).toBeUndefined();
  });
});
