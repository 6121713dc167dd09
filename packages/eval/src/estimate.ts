import { type ConsortiumConfig, DEFAULT_JUDGE_REF } from "@consortium/config";
import {
  addCalls,
  addRunCalls,
  type CostEstimate,
  DEFAULT_RESERVED_OUTPUT_TOKENS,
  EstimateBuilder,
  textTokenBound
} from "@consortium/engine";
import type { SuitePlan } from "./runner/plan.js";

// `eval --estimate`: what the planned cases would cost on every target, and their judges, before any
// call. The same assumptions as a run's estimate (engine/estimate.ts); a judge reads the case prompt,
// the rubric and the answer at its longest, and is assumed to write a quarter of its cap.

export interface TargetEstimate {
  readonly target: string;
  readonly kind: "consortium" | "model";
  readonly estimate: CostEstimate;
}

export interface SuiteEstimate {
  readonly cases: number;
  readonly targets: ReadonlyArray<TargetEstimate>;
  /** Every target and judge together, per model. */
  readonly total: CostEstimate;
}

/** Judge calls are framed by a prompt of about this many tokens besides the case, rubric and answer. */
const JUDGE_FRAME_TOKENS = 300;

export const estimatePlan = (plan: SuitePlan): SuiteEstimate => {
  const providers = { providers: plan.suite.providers };
  const total = new EstimateBuilder();
  const targets = plan.targets.map(({ label, target }): TargetEstimate => {
    const builder = new EstimateBuilder();
    const answerCap =
      target.kind === "consortium"
        ? (target.config.arbiter?.maxTokens ?? DEFAULT_RESERVED_OUTPUT_TOKENS)
        : (target.ref.maxTokens ?? DEFAULT_RESERVED_OUTPUT_TOKENS);
    const runs = plan.cases.flatMap((planned) => Array.from({ length: plan.repeat }, () => planned));
    for (const { suiteCase } of runs) {
      const promptTokens = textTokenBound(suiteCase.prompt);
      if (target.kind === "consortium") addRunCalls(builder, target.config as ConsortiumConfig, promptTokens);
      else
        addCalls(
          builder,
          providers,
          target.ref,
          { promptTokens, typicalPromptTokens: promptTokens },
          { worst: 1, typical: 1 }
        );
      for (const assertion of suiteCase.assert) {
        if (assertion.type !== "llm-rubric") continue;
        const judge = assertion.judge ?? plan.suite.judge ?? DEFAULT_JUDGE_REF;
        const rubric = typeof assertion.value === "string" ? textTokenBound(assertion.value) : 0;
        const frame = promptTokens + rubric + JUDGE_FRAME_TOKENS;
        addCalls(
          builder,
          providers,
          judge,
          { promptTokens: frame + answerCap, typicalPromptTokens: frame + answerCap / 4 },
          { worst: 1, typical: 1 }
        );
      }
    }
    const estimate = builder.build();
    total.merge(estimate);
    return { target: label, kind: target.kind, estimate };
  });
  return { cases: plan.cases.length, targets, total: total.build() };
};
