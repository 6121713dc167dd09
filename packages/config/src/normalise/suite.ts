import { DEFAULT_JUDGE_REF } from "../defaults.js";
import type { RawAssertion, RawSuite } from "../schema/index.js";
import type { Assertion, AssertionType, ModelParams, ModelRef, SuiteTarget } from "../types.js";
import { mustParseModelRef, toParams } from "./shared.js";

const toRef = (text: string): ModelRef => {
  const { provider, model } = mustParseModelRef(text);
  return { provider, model };
};

/** The suite's judge, or the default one; an assertion's own judge wins over both. */
export const suiteJudge = (raw: RawSuite): ModelRef | undefined =>
  raw.judge === undefined ? undefined : toRef(raw.judge);

export const toAssertion = (raw: RawAssertion, judge: ModelRef | undefined): Assertion => {
  const negate = raw.type.startsWith("not-");
  const type = (negate ? raw.type.slice(4) : raw.type) as AssertionType;
  const own = raw.judge ?? raw.model;
  return {
    type,
    negate,
    value: raw.value,
    ...(type === "llm-rubric" ? { judge: own === undefined ? (judge ?? DEFAULT_JUDGE_REF) : toRef(own) } : {})
  };
};

export const toModelTarget = (
  raw: { readonly model: string; readonly label?: string } & Parameters<typeof toParams>[0]
): SuiteTarget => {
  const ref: ModelRef & ModelParams = { ...toRef(raw.model), ...toParams(raw) };
  return { kind: "model", ref, label: raw.label ?? `${ref.provider}/${ref.model}` };
};
