import { addCost } from "@consortium/engine";
import { costIsComplete, percentile } from "../report/summarize.js";
import { addTokens } from "../report/tokens.js";
import type { CaseTargetResult } from "../report/types.js";

// A case run several times on one target becomes one result: it passes when the share of its runs
// that passed reaches the case threshold. The answer, confidence and assertions shown are the first
// run's; tokens and cost add up over every run; latency is the median run's.

export const combineRepeats = (runs: ReadonlyArray<CaseTargetResult>, caseThreshold: number): CaseTargetResult => {
  const [first] = runs as [CaseTargetResult, ...Array<CaseTargetResult>];
  const ran = runs.filter((run) => run.skipped !== true);
  if (ran.length === 0) return first;
  const passed = ran.filter((run) => run.pass).length;
  const share = passed / runs.length;
  const replayMisses = runs.flatMap((run) => run.replayMisses);
  // a failed run is one of the repeats that did not pass; the case errs only when nothing answered
  const answered = ran.find((run) => run.error === null);
  return {
    ...(answered ?? first),
    pass: replayMisses.length === 0 && share >= caseThreshold - 1e-9,
    latencyMs: percentile(
      ran.map((run) => run.latencyMs),
      50
    ),
    usage: runs.map((run) => run.usage).reduce(addTokens),
    judgeUsage: runs.map((run) => run.judgeUsage).reduce(addTokens),
    costUsd: runs.map((run) => run.costUsd).reduce<number | null>(addCost, null),
    costComplete: runs.every(costIsComplete),
    error: replayMisses.length > 0 ? replayMisses.join("; ") : answered === undefined ? first.error : null,
    replayMisses,
    repeats: { runs: runs.length, passed, share }
  };
};
