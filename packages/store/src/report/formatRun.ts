import {
  formatConfidence,
  formatCost,
  formatCount,
  formatDuration,
  oneLine,
  plural,
  type Synthesis
} from "@consortium/engine";
import type { StoredCall, StoredRun } from "../types.js";
import { formatConversation } from "./formatConversation.js";
import { formatJudging, reviewLine } from "./formatJudging.js";
import { formatTime, indent, textHead } from "./text.js";

// `consortium show <id>`: what happened in one run, read top to bottom. Built from the calls table,
// so a run that was interrupted or crashed shows everything that finished.

/** What the arbiter decided, as far as the stored fields tell. */
interface Decision {
  readonly confidence: number | null;
  readonly needsIteration: boolean | null;
  readonly refinementAreas: ReadonlyArray<string>;
  readonly parsed: boolean | null;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === "object" && !Array.isArray(value);

/** The parsed fields are stored as the engine gave them; read them without trusting their shape. */
export const decisionOf = (parsed: unknown): Decision | null => {
  if (!isRecord(parsed)) return null;
  const confidence = typeof parsed.confidence === "number" ? parsed.confidence : null;
  const needs = parsed.needsIteration ?? parsed.needs_iteration;
  const areas = parsed.refinementAreas ?? parsed.refinement_areas;
  return {
    confidence,
    needsIteration: typeof needs === "boolean" ? needs : null,
    refinementAreas: Array.isArray(areas) ? areas.filter((area): area is string => typeof area === "string") : [],
    parsed: typeof parsed.parsed === "boolean" ? parsed.parsed : null
  };
};

/** Falls back to the result object's synthesis for that iteration when the call has no parsed fields. */
const decisionFor = (call: StoredCall, run: StoredRun): Decision | null => {
  const fromCall = decisionOf(call.parsed);
  if (fromCall !== null) return fromCall;
  if (call.error !== null) return null;
  const iteration = run.result?.iterations.find((it) => it.index === call.iteration);
  const producedBy = iteration?.arbiter?.model;
  // Only the call that produced the synthesis gets its fields (not a failed main arbiter before a fallback).
  if (iteration?.synthesis == null || (producedBy !== call.model && producedBy !== `${call.provider}/${call.model}`))
    return null;
  return decisionOf(iteration.synthesis satisfies Synthesis);
};

/** The engine's stop decisions in words; the viewer shows the same wording. */
export const STOP_DECISIONS: Readonly<Record<string, string>> = {
  confident: "stopped: confident enough",
  max_iterations: "stopped: max iterations reached",
  min_iterations: "went on: min iterations not reached",
  low_confidence: "went on: confidence below the threshold",
  arbiter_asked: "went on: the arbiter asked for another round"
};

/** What the engine did after this round, when the result says (runs that ended normally). */
const stopDecision = (call: StoredCall, run: StoredRun): string | null => {
  const decision = run.result?.iterations.find((it) => it.index === call.iteration)?.decision;
  return decision === undefined ? null : (STOP_DECISIONS[decision] ?? decision);
};

const usedTokens = (call: StoredCall): boolean => call.inputTokens > 0 || call.outputTokens > 0;

/** A call's cost; "no price" when its model had none (calls recorded before costs were kept say nothing). */
const callCost = (call: StoredCall, run: StoredRun): ReadonlyArray<string> => {
  if (call.costUsd !== null) return [formatCost(call.costUsd)];
  return usedTokens(call) && run.costComplete === false ? ["no price"] : [];
};

const callStats = (call: StoredCall, run: StoredRun): string =>
  [
    `${formatCount(call.inputTokens)} in / ${formatCount(call.outputTokens)} out`,
    ...callCost(call, run),
    formatDuration(call.latencyMs),
    plural(call.attempts, "attempt")
  ].join(" · ");

const ANSWER_BAR = "    │ ";

/** The role the strategy gave a member instance, from the stored result (older runs have none). */
const roleOf = (call: StoredCall, run: StoredRun): string | undefined => {
  const round = run.result?.iterations.find((it) => it.index === call.iteration);
  const response = round?.responses.find(
    (r) => r.member === `${call.provider}/${call.model}` && r.instance === call.instance
  );
  return typeof response?.role === "string" ? response.role : undefined;
};

/** `(layer 2, skeptic)`: what set this member call apart from the instance's other calls, when anything did. */
const memberNote = (call: StoredCall, run: StoredRun): string => {
  const role = roleOf(call, run);
  const notes = [
    ...(typeof call.layer === "number" ? [`layer ${call.layer}`] : []),
    ...(role === undefined ? [] : [role])
  ];
  return notes.length === 0 ? "" : ` (${notes.join(", ")})`;
};

const renderCall = (call: StoredCall, run: StoredRun): ReadonlyArray<string> => {
  const who =
    call.role === "member"
      ? `member  ${call.provider}/${call.model} #${call.instance}${memberNote(call, run)}`
      : `arbiter ${call.provider}/${call.model}`;
  if (call.role === "reviewer") {
    const ranks = call.error === null ? reviewLine(call.parsed) : null;
    return [
      `  reviewer ${call.provider}/${call.model} #${call.instance}  ${callStats(call, run)}`,
      ...(call.error === null ? [] : [`    FAILED ${call.error.type}: ${oneLine(call.error.message, 200)}`]),
      ...(ranks === null ? [] : [ranks])
    ];
  }
  const lines = [`  ${who}  ${callStats(call, run)}`];
  if (call.error !== null) lines.push(`    FAILED ${call.error.type}: ${oneLine(call.error.message, 200)}`);
  if (call.role === "member") {
    if (typeof call.innerRunId === "string")
      lines.push(`    answered by run ${call.innerRunId} (consortium show ${call.innerRunId})`);
    if (call.text !== null && call.text.trim() !== "") lines.push(...indent(textHead(call.text), ANSWER_BAR));
    return lines;
  }
  const decision = decisionFor(call, run);
  if (decision === null) return lines;
  if (decision.parsed === false)
    lines.push("    arbiter output could not be parsed: its raw text was taken as the synthesis");
  const next =
    decision.needsIteration === null
      ? ""
      : ` · ${decision.needsIteration ? "asks for another round" : "no further round needed"}`;
  const after = decision.parsed === false || call.error !== null ? null : stopDecision(call, run);
  lines.push(`    confidence ${formatConfidence(decision.confidence)}${next}${after === null ? "" : ` · ${after}`}`);
  if (decision.refinementAreas.length > 0) {
    lines.push("    refine:");
    lines.push(...decision.refinementAreas.map((area) => `      - ${oneLine(area, 160)}`));
  }
  return lines;
};

const header = (run: StoredRun): ReadonlyArray<string> => {
  const source =
    run.sourceFile === null
      ? "(built in code)"
      : run.gitCommit === null
        ? run.sourceFile
        : `${run.sourceFile} @ ${run.gitCommit.slice(0, 12)}${run.gitDirty === true ? " (modified)" : ""}`;
  const [firstPromptLine = "", ...morePrompt] = textHead(run.prompt, 5, 400);
  const lines = [
    `run         ${run.id}`,
    `consortium  ${run.consortium}`,
    `status      ${run.status}`,
    `prompt      ${firstPromptLine}`,
    ...indent(morePrompt, "            "),
    `config      sha256:${run.configHash.slice(0, 16)}  ${source}`,
    `started     ${formatTime(run.startedAt)} UTC${run.endedAt === null ? "" : ` · ended ${formatTime(run.endedAt)} UTC`}`
  ];
  if (typeof run.outerRunId === "string")
    lines.push(`member of   run ${run.outerRunId} (an included consortium's run)`);
  if (run.error !== null) lines.push(`error       ${oneLine(run.error, 300)}`);
  for (const warning of run.result?.warnings ?? []) lines.push(`warning     ${oneLine(warning, 300)}`);
  return lines;
};

/** The models without a price: from the result when the run ended, else from its unpriced calls. */
const unpricedModels = (run: StoredRun): ReadonlyArray<string> => {
  const fromResult = run.result?.usage?.unpricedModels;
  if (fromResult !== undefined && fromResult.length > 0) return fromResult;
  const models = run.calls
    .filter((call) => call.costUsd === null && usedTokens(call))
    .map((call) => `${call.provider}/${call.model}`);
  return [...new Set(models)].sort();
};

/**
 * The run's cost, said to be a lower bound when some call's model had no price, and to be so far
 * while the run is going (the cost of the calls finished until now).
 */
const runCost = (run: StoredRun): ReadonlyArray<string> => {
  const cost = run.costUsd === null ? null : `${formatCost(run.costUsd)}${run.status === "running" ? " so far" : ""}`;
  if (run.costComplete !== false) return cost === null ? [] : [cost];
  const models = unpricedModels(run);
  const missing = models.length === 0 ? "some calls had no price" : `no price for ${models.join(", ")}`;
  return [`${cost ?? "cost unknown"} (incomplete: ${missing})`];
};

const totals = (run: StoredRun): string => {
  const failed = run.calls.filter((call) => call.error !== null).length;
  return [
    plural(run.iterations, "iteration"),
    `${formatCount(run.inputTokens)} input + ${formatCount(run.outputTokens)} output tokens`,
    ...runCost(run),
    run.durationMs === null ? "not ended" : formatDuration(run.durationMs),
    `${plural(run.calls.length, "call")}${failed > 0 ? `, ${failed} failed` : ""}`
  ].join(" · ");
};

export const formatRun = (run: StoredRun): string => {
  const iterations = [...new Set(run.calls.map((call) => call.iteration))].sort((a, b) => a - b);
  const body = iterations.flatMap((index) => [
    "",
    `Iteration ${index}`,
    ...run.calls.filter((call) => call.iteration === index).flatMap((call) => renderCall(call, run)),
    ...formatJudging(run, index)
  ]);
  const synthesis =
    run.synthesis === null
      ? []
      : [
          "",
          `Synthesis (confidence ${formatConfidence(run.confidence)})`,
          ...indent(run.synthesis.trim().split("\n"), "  ")
        ];
  return [
    ...header(run),
    ...formatConversation(run),
    ...(iterations.length === 0 ? ["", "No calls recorded."] : body),
    ...synthesis,
    "",
    `Totals  ${totals(run)}`
  ].join("\n");
};
