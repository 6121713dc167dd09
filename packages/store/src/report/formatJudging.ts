import { oneLine } from "@consortium/engine";
import type { StoredRun } from "../types.js";

// What a judging method or strategy added to a round (a ranking, votes, eliminations), for `show`.
// Read from the stored result without trusting its shape: older runs have none of it.

const isRecord = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === "object" && !Array.isArray(value);

const list = (value: unknown): ReadonlyArray<Record<string, unknown>> =>
  Array.isArray(value) ? value.filter(isRecord) : [];

const who = (entry: Record<string, unknown>): string => `${String(entry.member)} #${String(entry.instance)}`;

/** A reviewer's ranking, from the parsed fields stored with its call. */
export const reviewLine = (parsed: unknown): string | null => {
  if (!isRecord(parsed) || !Array.isArray(parsed.ranking)) return null;
  return parsed.ranking.length === 0
    ? "    no readable ranking"
    : `    ranks ${parsed.ranking.map(String).join(" > ")}`;
};

export const formatJudging = (run: StoredRun, index: number): ReadonlyArray<string> => {
  const iteration: unknown = run.result?.iterations.find((it) => it.index === index);
  if (!isRecord(iteration)) return [];
  const lines: Array<string> = [];
  const ranking = list(iteration.ranking);
  if (ranking.length > 0) {
    lines.push("  ranking (best first):");
    ranking.forEach((place, i) => {
      const points = typeof place.points === "number" ? `  ${place.points} points` : "";
      lines.push(`    ${i + 1}. ${String(place.label)}  ${who(place)}${points}`);
    });
  }
  const votes = list(iteration.votes);
  if (votes.length > 0) {
    lines.push("  votes:");
    for (const group of votes) lines.push(`    ${String(group.count)}× ${oneLine(String(group.vote), 80)}`);
  }
  for (const out of list(iteration.eliminated)) lines.push(`  eliminated ${who(out)}: ${String(out.reason)}`);
  return lines;
};
