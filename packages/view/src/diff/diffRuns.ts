import type { StoredCall, StoredRun } from "@consortium/store";
import { diffLines } from "diff";
import { roundsOf } from "../model/runView.js";

// What changed between two runs of a prompt, as plain data: the text, JSON and page renderings of
// `consortium diff` are functions of it. Members are matched by provider/model and instance.

export interface DiffSide {
  readonly id: string;
  readonly consortium: string;
  readonly status: string;
  readonly configHash: string;
  readonly prompt: string;
  readonly confidence: number | null;
  readonly iterations: number;
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly costUsd: number | null;
  readonly durationMs: number | null;
}

export interface ConfigChange {
  /** e.g. `members[1].model`; absent on one side is `null` there with `present` saying so. */
  readonly path: string;
  readonly a: unknown;
  readonly b: unknown;
  readonly present: "both" | "a" | "b";
}

export interface LinePart {
  readonly kind: "same" | "add" | "del";
  readonly text: string;
}

export interface CallFacts {
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly latencyMs: number;
  readonly attempts: number;
  readonly error: string | null;
}

export interface MemberDiff {
  /** `provider/model #instance` */
  readonly member: string;
  readonly change: "same" | "changed" | "only-a" | "only-b";
  readonly a: CallFacts | null;
  readonly b: CallFacts | null;
  /** The answer's line diff, a → b. */
  readonly lines: ReadonlyArray<LinePart>;
}

export interface DecisionFacts {
  readonly confidence: number | null;
  readonly needsIteration: boolean | null;
  readonly stop: string | null;
  readonly refinementAreas: ReadonlyArray<string>;
}

export interface RoundDiff {
  readonly index: number;
  readonly members: ReadonlyArray<MemberDiff>;
  readonly arbiter: { readonly a: DecisionFacts | null; readonly b: DecisionFacts | null; readonly changed: boolean };
}

export interface RunDiff {
  readonly a: DiffSide;
  readonly b: DiffSide;
  readonly samePrompt: boolean;
  readonly config: ReadonlyArray<ConfigChange>;
  readonly rounds: ReadonlyArray<RoundDiff>;
  readonly synthesis: { readonly changed: boolean; readonly lines: ReadonlyArray<LinePart> };
}

const side = (run: StoredRun): DiffSide => ({
  id: run.id,
  consortium: run.consortium,
  status: run.status,
  configHash: run.configHash,
  prompt: run.prompt,
  confidence: run.confidence,
  iterations: run.iterations,
  inputTokens: run.inputTokens,
  outputTokens: run.outputTokens,
  costUsd: run.costUsd,
  durationMs: run.durationMs
});

/** Leaves of a JSON value by path: `limits.retries`, `members[0].model`. */
const flatten = (value: unknown, path: string, out: Map<string, unknown>): Map<string, unknown> => {
  if (Array.isArray(value)) {
    if (value.length === 0) out.set(path, []);
    for (const [index, item] of value.entries()) flatten(item, `${path}[${index}]`, out);
  } else if (value !== null && typeof value === "object") {
    const entries = Object.entries(value).filter(([, item]) => item !== undefined);
    if (entries.length === 0) out.set(path, {});
    for (const [key, item] of entries) flatten(item, path === "" ? key : `${path}.${key}`, out);
  } else {
    out.set(path, value);
  }
  return out;
};

export const diffConfig = (a: unknown, b: unknown): ReadonlyArray<ConfigChange> => {
  const left = flatten(a, "", new Map());
  const right = flatten(b, "", new Map());
  const paths = [...new Set([...left.keys(), ...right.keys()])];
  return paths.flatMap((path): ReadonlyArray<ConfigChange> => {
    const inA = left.has(path);
    const inB = right.has(path);
    const valueA = left.get(path) ?? null;
    const valueB = right.get(path) ?? null;
    if (inA && inB && JSON.stringify(valueA) === JSON.stringify(valueB)) return [];
    return [{ path, a: valueA, b: valueB, present: inA && inB ? "both" : inA ? "a" : "b" }];
  });
};

export const lineDiff = (a: string, b: string): ReadonlyArray<LinePart> =>
  diffLines(a, b).flatMap((part) =>
    part.value
      .replace(/\n$/, "")
      .split("\n")
      .map((text): LinePart => ({ kind: part.added ? "add" : part.removed ? "del" : "same", text }))
  );

const facts = (call: StoredCall): CallFacts => ({
  inputTokens: call.inputTokens,
  outputTokens: call.outputTokens,
  latencyMs: call.latencyMs,
  attempts: call.attempts,
  error: call.error === null ? null : `${call.error.type}: ${call.error.message}`
});

const memberKey = (call: StoredCall): string => `${call.provider}/${call.model} #${call.instance}`;

export const diffRuns = (runA: StoredRun, runB: StoredRun): RunDiff => {
  const roundsA = roundsOf(runA);
  const roundsB = roundsOf(runB);
  const indexes = [...new Set([...roundsA, ...roundsB].map((round) => round.index))].sort((x, y) => x - y);
  const rounds = indexes.map((index): RoundDiff => {
    const roundA = roundsA.find((round) => round.index === index);
    const roundB = roundsB.find((round) => round.index === index);
    const callsA = new Map((roundA?.answers ?? []).map((answer) => [memberKey(answer.call), answer.call]));
    const callsB = new Map((roundB?.answers ?? []).map((answer) => [memberKey(answer.call), answer.call]));
    const keys = [...new Set([...callsA.keys(), ...callsB.keys()])];
    const members = keys.map((member): MemberDiff => {
      const a = callsA.get(member);
      const b = callsB.get(member);
      const textA = a?.text ?? "";
      const textB = b?.text ?? "";
      const change =
        a === undefined
          ? "only-b"
          : b === undefined
            ? "only-a"
            : textA === textB && a.error?.type === b.error?.type
              ? "same"
              : "changed";
      return {
        member,
        change,
        a: a === undefined ? null : facts(a),
        b: b === undefined ? null : facts(b),
        lines: lineDiff(textA, textB)
      };
    });
    const decision = (round: typeof roundA): DecisionFacts | null =>
      round?.decision === null || round?.decision === undefined
        ? null
        : {
            confidence: round.decision.confidence,
            needsIteration: round.decision.needsIteration,
            stop: round.decision.stop,
            refinementAreas: round.decision.refinementAreas
          };
    const arbiterA = decision(roundA);
    const arbiterB = decision(roundB);
    return {
      index,
      members,
      arbiter: { a: arbiterA, b: arbiterB, changed: JSON.stringify(arbiterA) !== JSON.stringify(arbiterB) }
    };
  });
  const synthesisA = runA.synthesis ?? "";
  const synthesisB = runB.synthesis ?? "";
  return {
    a: side(runA),
    b: side(runB),
    samePrompt: runA.prompt === runB.prompt,
    config: diffConfig(runA.config, runB.config),
    rounds,
    synthesis: { changed: synthesisA !== synthesisB, lines: lineDiff(synthesisA, synthesisB) }
  };
};
