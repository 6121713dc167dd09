import type { Iteration, MemberResponse, Synthesis } from "@consortium/engine";
import { decisionOf, STOP_DECISIONS, type StoredCall, type StoredRun } from "@consortium/store";

// A stored run regrouped the way a person reads it: rounds, each with its answers side by side and
// what the judging step decided. Built from the calls table first, so a run that crashed or is still
// going shows everything recorded so far; the result object adds labels, rankings and decisions.

export interface AnswerView {
  readonly call: StoredCall;
  /** How the arbiter saw it ("Response 2"); null when unknown or the call failed. */
  readonly label: string | null;
  /** Set by judging methods that give members roles or layers; null otherwise. */
  readonly role: string | null;
  readonly layer: string | null;
}

export interface DecisionView {
  readonly text: string | null;
  readonly confidence: number | null;
  readonly analysis: string | null;
  readonly dissent: string | null;
  readonly refinementAreas: ReadonlyArray<string>;
  readonly needsIteration: boolean | null;
  readonly parsed: boolean | null;
  readonly ranking: ReadonlyArray<string>;
  /** Why the engine went on or stopped after this round, in words. */
  readonly stop: string | null;
}

export interface RoundView {
  readonly index: number;
  readonly answers: ReadonlyArray<AnswerView>;
  /** Arbiter (and any other judging) calls, in the order they ended. */
  readonly judging: ReadonlyArray<StoredCall>;
  readonly decision: DecisionView | null;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === "object" && !Array.isArray(value);

const stringField = (value: unknown, ...keys: ReadonlyArray<string>): string | null => {
  if (!isRecord(value)) return null;
  for (const key of keys) {
    const field = value[key];
    if (typeof field === "string" && field !== "") return field;
    if (typeof field === "number") return String(field);
  }
  return null;
};

/** A ranking in any of the shapes a judging method may record: names, or objects naming a member. */
export const rankingOf = (value: unknown): ReadonlyArray<string> => {
  if (!Array.isArray(value)) return [];
  return value.flatMap((entry): ReadonlyArray<string> => {
    if (typeof entry === "string") return [entry];
    const name = stringField(entry, "label", "member", "model", "name", "id");
    if (name === null) return [];
    const score = isRecord(entry) ? (entry.score ?? entry.rank ?? entry.points) : undefined;
    return [typeof score === "number" ? `${name} (${score})` : name];
  });
};

const sameMember = (call: StoredCall, response: MemberResponse): boolean =>
  response.instance === call.instance &&
  (response.member === `${call.provider}/${call.model}` || response.member === call.model);

const decisionView = (iteration: Iteration | undefined, judging: ReadonlyArray<StoredCall>): DecisionView | null => {
  const synthesis: Partial<Synthesis> | undefined = iteration?.synthesis;
  const fromCall = judging
    .filter((call) => call.error === null)
    .map((call) => ({ call, decision: decisionOf(call.parsed) }))
    .find((entry) => entry.decision !== null);
  if (synthesis === undefined && fromCall === undefined) return null;
  const parsedText = stringField(fromCall?.call.parsed, "text", "synthesis");
  const extra = iteration as (Iteration & Record<string, unknown>) | undefined;
  return {
    text: synthesis?.text ?? parsedText ?? fromCall?.call.text ?? null,
    confidence: synthesis?.confidence ?? fromCall?.decision?.confidence ?? null,
    analysis: synthesis?.analysis ?? stringField(fromCall?.call.parsed, "analysis"),
    dissent: synthesis?.dissent ?? stringField(fromCall?.call.parsed, "dissent"),
    refinementAreas: synthesis?.refinementAreas ?? fromCall?.decision?.refinementAreas ?? [],
    needsIteration: synthesis?.needsIteration ?? fromCall?.decision?.needsIteration ?? null,
    parsed: synthesis?.parsed ?? fromCall?.decision?.parsed ?? null,
    ranking: rankingOf(extra?.ranking ?? (isRecord(fromCall?.call.parsed) ? fromCall.call.parsed.ranking : undefined)),
    stop: iteration?.decision === undefined ? null : (STOP_DECISIONS[iteration.decision] ?? iteration.decision)
  };
};

export const roundsOf = (run: StoredRun): ReadonlyArray<RoundView> => {
  const indexes = [...new Set(run.calls.map((call) => call.iteration))].sort((a, b) => a - b);
  return indexes.map((index) => {
    const round = run.result?.iterations.find((it) => it.index === index);
    // a round cut short is listed too, but has no decision to show
    const iteration = round?.unfinished === true ? undefined : round;
    const responses: ReadonlyArray<MemberResponse> =
      round?.responses ?? (run.result?.unfinished?.index === index ? run.result.unfinished.responses : []);
    const calls = run.calls.filter((call) => call.iteration === index);
    const answers = calls
      .filter((call) => call.role === "member")
      .map((call): AnswerView => {
        const response = responses.find((candidate) => sameMember(call, candidate));
        return {
          call,
          label: response?.label ?? null,
          role: stringField(response, "role") ?? stringField(call, "memberRole"),
          layer: stringField(response, "layer") ?? stringField(call, "layer")
        };
      });
    const judging = calls.filter((call) => call.role !== "member");
    return { index, answers, judging, decision: decisionView(iteration, judging) };
  });
};
