import { formatCost, formatRate } from "@consortium/engine";
import type { CaseReport, TargetSummary } from "./types.js";

// "Is the consortium worth it?": each consortium target against the best of its members run alone
// (`eval --vs-members`) on the same cases: pass rates, cases won / lost / tied (paired by case), cost
// per case and per passing case, and how much slower it is at the median.

export interface Comparison {
  readonly consortium: string;
  /** The member target with the highest pass rate (the cheaper one on a tie). */
  readonly bestMember: string;
  readonly consortiumPassRate: number;
  readonly memberPassRate: number;
  /** Cases both ran: the consortium passed and the member failed (won), the reverse (lost), or alike (tied). */
  readonly won: number;
  readonly lost: number;
  readonly tied: number;
  readonly consortiumCostPerCaseUsd: number | null;
  readonly memberCostPerCaseUsd: number | null;
  readonly consortiumCostPerPassUsd: number | null;
  readonly memberCostPerPassUsd: number | null;
  /** Consortium p50 latency over the member's; null when the member's is 0. */
  readonly latencyP50Ratio: number | null;
}

const better = (a: TargetSummary, b: TargetSummary): boolean =>
  a.passRate !== b.passRate
    ? a.passRate > b.passRate
    : (a.costPerCaseUsd ?? Number.POSITIVE_INFINITY) < (b.costPerCaseUsd ?? Number.POSITIVE_INFINITY);

export const compareWithMembers = (
  consortium: TargetSummary,
  members: ReadonlyArray<TargetSummary>,
  cases: ReadonlyArray<CaseReport>
): Comparison | undefined => {
  const best = members.reduce<TargetSummary | undefined>(
    (found, member) => (found === undefined || better(member, found) ? member : found),
    undefined
  );
  if (best === undefined) return undefined;
  let won = 0;
  let lost = 0;
  let tied = 0;
  for (const suiteCase of cases) {
    const ours = suiteCase.results.find((result) => result.target === consortium.target);
    const theirs = suiteCase.results.find((result) => result.target === best.target);
    if (ours === undefined || theirs === undefined || ours.skipped === true || theirs.skipped === true) continue;
    if (ours.pass && !theirs.pass) won++;
    else if (!ours.pass && theirs.pass) lost++;
    else tied++;
  }
  return {
    consortium: consortium.target,
    bestMember: best.target,
    consortiumPassRate: consortium.passRate,
    memberPassRate: best.passRate,
    won,
    lost,
    tied,
    // a lower bound set beside a cost would compare unlike things: an incomplete side shows none
    consortiumCostPerCaseUsd: consortium.costComplete ? consortium.costPerCaseUsd : null,
    memberCostPerCaseUsd: best.costComplete ? best.costPerCaseUsd : null,
    consortiumCostPerPassUsd: consortium.costComplete ? consortium.costPerPassUsd : null,
    memberCostPerPassUsd: best.costComplete ? best.costPerPassUsd : null,
    latencyP50Ratio: best.latencyP50Ms === 0 ? null : consortium.latencyP50Ms / best.latencyP50Ms
  };
};

/** One line for the terminal and Markdown. */
export const comparisonLine = (comparison: Comparison): string => {
  const ratio = comparison.latencyP50Ratio === null ? "-" : `${comparison.latencyP50Ratio.toFixed(2)}×`;
  return (
    `${comparison.consortium} vs ${comparison.bestMember}: passed ${formatRate(comparison.consortiumPassRate)} vs ` +
    `${formatRate(comparison.memberPassRate)}; won ${comparison.won}, lost ${comparison.lost}, tied ${comparison.tied}; ` +
    `per case ${formatCost(comparison.consortiumCostPerCaseUsd)} vs ${formatCost(comparison.memberCostPerCaseUsd)}, ` +
    `per pass ${formatCost(comparison.consortiumCostPerPassUsd)} vs ${formatCost(comparison.memberCostPerPassUsd)}; latency p50 ${ratio}`
  );
};
