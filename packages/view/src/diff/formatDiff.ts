import { formatConfidence, formatCost, formatCount, formatDuration } from "@consortium/engine/text";
import type { CallFacts, DecisionFacts, DiffSide, LinePart, RunDiff } from "./diffRuns.js";

// `consortium diff a b` in a terminal: config first, then per round each member that changed with its
// answer's line diff, the arbiter's decisions, and the totals. Members that did not change get a line.

const arrow = (a: string, b: string): string => (a === b ? a : `${a} → ${b}`);

const value = (v: unknown): string => (v === null ? "(absent)" : JSON.stringify(v));

const usage = (facts: CallFacts | null): string =>
  facts === null ? "-" : `${formatCount(facts.inputTokens)}/${formatCount(facts.outputTokens)} tok`;

const callLine = (a: CallFacts | null, b: CallFacts | null): string =>
  [
    arrow(usage(a), usage(b)),
    arrow(a === null ? "-" : formatDuration(a.latencyMs), b === null ? "-" : formatDuration(b.latencyMs)),
    arrow(a === null ? "-" : `${a.attempts} att`, b === null ? "-" : `${b.attempts} att`)
  ].join(" · ");

const decision = (facts: DecisionFacts | null): string =>
  facts === null
    ? "no decision"
    : `confidence ${formatConfidence(facts.confidence)}${facts.stop === null ? "" : `, ${facts.stop}`}`;

const lines = (parts: ReadonlyArray<LinePart>, indent: string): ReadonlyArray<string> =>
  parts.map((part) => `${indent}${part.kind === "add" ? "+ " : part.kind === "del" ? "- " : "  "}${part.text}`);

const header = (label: string, side: DiffSide): string =>
  `${label}  ${side.id}  ${side.consortium}  ${side.status}  config sha256:${side.configHash.slice(0, 12)}`;

export const formatDiff = (diff: RunDiff): string => {
  const { a, b } = diff;
  const out = [header("a", a), header("b", b)];
  if (!diff.samePrompt) out.push("", "note: the two runs answered different prompts");
  out.push("", diff.config.length === 0 ? "config: same" : "config:");
  for (const change of diff.config) out.push(`  ${change.path}: ${value(change.a)} → ${value(change.b)}`);
  out.push(
    "",
    "totals:",
    `  rounds      ${arrow(String(a.iterations), String(b.iterations))}`,
    `  tokens      ${arrow(`${formatCount(a.inputTokens)} in / ${formatCount(a.outputTokens)} out`, `${formatCount(b.inputTokens)} in / ${formatCount(b.outputTokens)} out`)}`,
    `  cost        ${arrow(formatCost(a.costUsd), formatCost(b.costUsd))}`,
    `  time        ${arrow(formatDuration(a.durationMs), formatDuration(b.durationMs))}`,
    `  confidence  ${arrow(formatConfidence(a.confidence), formatConfidence(b.confidence))}`
  );
  for (const round of diff.rounds) {
    out.push("", `round ${round.index}:`);
    for (const member of round.members) {
      out.push(`  ${member.member}  ${member.change}  ${callLine(member.a, member.b)}`);
      if (member.a?.error !== member.b?.error)
        out.push(`    error: ${member.a?.error ?? "none"} → ${member.b?.error ?? "none"}`);
      if (member.change !== "same") out.push(...lines(member.lines, "    "));
    }
    out.push(
      `  arbiter  ${round.arbiter.changed ? `${decision(round.arbiter.a)} → ${decision(round.arbiter.b)}` : `same: ${decision(round.arbiter.a)}`}`
    );
  }
  out.push("", diff.synthesis.changed ? "final answer:" : "final answer: same");
  if (diff.synthesis.changed) out.push(...lines(diff.synthesis.lines, "  "));
  return out.join("\n");
};
