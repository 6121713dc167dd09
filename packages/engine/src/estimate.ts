import {
  addUsd,
  type ConsortiumConfig,
  type MemberConfig,
  type ModelParams,
  type ModelRef,
  priceOf,
  roundUsd
} from "@consortium/config";
import { maxCostOf } from "@consortium/providers";
import { DEFAULT_RESERVED_OUTPUT_TOKENS, textTokenBound } from "./budget.js";
import { LAYER_TEMPLATE, REVIEW_TEMPLATE } from "./judging/templates.js";
import { resolveTemplates } from "./templates.js";

// What a run may cost, before any call and without keys: pure arithmetic over the config, the prices
// and a prompt size.
//
// Worst case: max_iterations rounds; every member and the arbiter write their whole max_tokens (the
// default cap where unset); from round two each member also reads the previous synthesis; the arbiter
// reads every answer and every earlier synthesis. Failed calls are not billed, so fallbacks add nothing.
// Layers after the first and peer reviews are one more call per member instance, reading every answer;
// an included consortium is its whole run's estimate, once per instance, layer and round; a vote's
// arbiter is asked only on a tie. Typical case: min_iterations rounds, every call writing a quarter of
// its max_tokens, no ties.

/** Share of its max_tokens a call is assumed to write in the typical case. */
export const TYPICAL_OUTPUT_SHARE = 0.25;

export interface CallCount {
  readonly worst: number;
  readonly typical: number;
}

export interface ModelEstimate {
  /** `provider/model` */
  readonly model: string;
  readonly calls: CallCount;
  /** null when the model has no price. */
  readonly worstUsd: number | null;
  readonly typicalUsd: number | null;
}

export interface CostEstimate {
  readonly models: ReadonlyArray<ModelEstimate>;
  /** Sums over the priced models; incomplete (a lower bound) when `unpricedModels` is not empty. */
  readonly worstUsd: number;
  readonly typicalUsd: number;
  readonly unpricedModels: ReadonlyArray<string>;
}

/** Adds calls up per model. */
export class EstimateBuilder {
  private readonly byModel = new Map<
    string,
    { calls: { worst: number; typical: number }; worst: number; typical: number; priced: boolean }
  >();

  add(
    model: string,
    priced: boolean,
    worst: { readonly calls: number; readonly usd: number },
    typical: { readonly calls: number; readonly usd: number }
  ): void {
    const entry = this.byModel.get(model) ?? { calls: { worst: 0, typical: 0 }, worst: 0, typical: 0, priced };
    entry.calls.worst += worst.calls;
    entry.calls.typical += typical.calls;
    entry.worst += worst.usd;
    entry.typical += typical.usd;
    this.byModel.set(model, entry);
  }

  /** Adds `other`, `times` over (an included consortium's run, once per instance and round). */
  merge(other: CostEstimate, times: CallCount = { worst: 1, typical: 1 }): void {
    for (const model of other.models) {
      this.add(
        model.model,
        model.worstUsd !== null,
        { calls: times.worst * model.calls.worst, usd: times.worst * (model.worstUsd ?? 0) },
        { calls: times.typical * model.calls.typical, usd: times.typical * (model.typicalUsd ?? 0) }
      );
    }
  }

  build(): CostEstimate {
    const models = [...this.byModel.entries()].map(
      ([model, entry]): ModelEstimate => ({
        model,
        calls: { ...entry.calls },
        worstUsd: entry.priced ? roundUsd(entry.worst) : null,
        typicalUsd: entry.priced ? roundUsd(entry.typical) : null
      })
    );
    return {
      models,
      worstUsd: models.reduce((sum, model) => addUsd(sum, model.worstUsd ?? 0), 0),
      typicalUsd: models.reduce((sum, model) => addUsd(sum, model.typicalUsd ?? 0), 0),
      unpricedModels: models.filter((model) => model.worstUsd === null).map((model) => model.model)
    };
  }
}

/** One kind of call, `times` over: adds it to `builder` at its worst and its typical length. */
export const addCalls = (
  builder: EstimateBuilder,
  config: Pick<ConsortiumConfig, "providers">,
  ref: ModelRef & ModelParams,
  input: { readonly promptTokens: number; readonly typicalPromptTokens: number },
  times: CallCount
): void => {
  const provider = Object.hasOwn(config.providers, ref.provider) ? config.providers[ref.provider] : undefined;
  const price = provider === undefined ? undefined : priceOf(provider, ref.model);
  const cap = ref.maxTokens ?? DEFAULT_RESERVED_OUTPUT_TOKENS;
  const usd = (prompt: number, output: number) => (price === undefined ? 0 : maxCostOf(price, prompt, output));
  builder.add(
    `${ref.provider}/${ref.model}`,
    price !== undefined,
    { calls: times.worst, usd: times.worst * usd(input.promptTokens, cap) },
    { calls: times.typical, usd: times.typical * usd(input.typicalPromptTokens, cap * TYPICAL_OUTPUT_SHARE) }
  );
};

/** The estimate of one run of `config` on a prompt of about `promptTokens` tokens. */
export const estimateRun = (config: ConsortiumConfig, promptTokens: number): CostEstimate => {
  const builder = new EstimateBuilder();
  addRunCalls(builder, config, promptTokens);
  return builder.build();
};

/** The longest answer a member may give: its max_tokens, or an included consortium's arbiter's. */
const answerCap = (member: MemberConfig): number =>
  member.consortium?.config?.arbiter?.maxTokens ?? member.maxTokens ?? DEFAULT_RESERVED_OUTPUT_TOKENS;

export const addRunCalls = (builder: EstimateBuilder, config: ConsortiumConfig, promptTokens: number): void => {
  const templates = resolveTemplates(config.prompts);
  const system = textTokenBound(config.system ?? "");
  const arbiterCap = config.arbiter?.maxTokens ?? DEFAULT_RESERVED_OUTPUT_TOKENS;
  const worstRounds = config.maxIterations;
  const typicalRounds = config.minIterations;
  const layers = config.layers ?? 1;
  const rounds = (times: number): CallCount => ({ worst: worstRounds * times, typical: typicalRounds * times });
  // every answer of a round (or of a layer), as the arbiter, a reviewer or the next layer reads them
  const answers = config.members.reduce((sum, member) => sum + member.count * (answerCap(member) + 16), 0);
  // round one reads the member template; later rounds the refine template and the last synthesis
  const first = promptTokens + textTokenBound(templates.member) + system;
  const later = promptTokens + textTokenBound(templates.refine) + system + arbiterCap;
  const typicalLater = promptTokens + textTokenBound(templates.refine) + system + arbiterCap * TYPICAL_OUTPUT_SHARE;
  const worstPrompt = worstRounds > 1 ? later : first;
  const typicalPrompt = typicalRounds > 1 ? (first + (typicalRounds - 1) * typicalLater) / typicalRounds : first;
  const layerFrame = promptTokens + textTokenBound(config.prompts.layer ?? LAYER_TEMPLATE) + system;
  const reviewFrame = promptTokens + textTokenBound(config.prompts.review ?? REVIEW_TEMPLATE);
  for (const member of config.members) {
    const inner = member.consortium?.config;
    if (inner !== undefined) {
      // each instance, each layer of each round, is a whole run of the included consortium
      builder.merge(estimateRun(inner, worstPrompt), rounds(member.count * layers));
      continue;
    }
    if (member.consortium !== undefined) continue;
    addCalls(
      builder,
      config,
      member,
      { promptTokens: worstPrompt, typicalPromptTokens: typicalPrompt },
      rounds(member.count)
    );
    if (layers > 1) {
      addCalls(
        builder,
        config,
        member,
        { promptTokens: layerFrame + answers, typicalPromptTokens: layerFrame + answers * TYPICAL_OUTPUT_SHARE },
        rounds(member.count * (layers - 1))
      );
    }
    if (config.judging === "peer-review") {
      addCalls(
        builder,
        config,
        member,
        { promptTokens: reviewFrame + answers, typicalPromptTokens: reviewFrame + answers * TYPICAL_OUTPUT_SHARE },
        rounds(member.count)
      );
    }
  }
  const arbiter = config.arbiter;
  if (arbiter === undefined) return;
  const arbiterFrame = promptTokens + textTokenBound(templates.arbiter) + textTokenBound(arbiter.system ?? "");
  addCalls(
    builder,
    config,
    arbiter,
    {
      // the last round's prompt is the longest: every answer and every earlier synthesis
      promptTokens: arbiterFrame + answers + (worstRounds - 1) * arbiterCap,
      typicalPromptTokens:
        arbiterFrame + answers * TYPICAL_OUTPUT_SHARE + ((typicalRounds - 1) / 2) * arbiterCap * TYPICAL_OUTPUT_SHARE
    },
    // a vote asks its arbiter only on a tie: at worst every round, typically never
    config.judging === "vote" ? { worst: worstRounds, typical: 0 } : rounds(1)
  );
};
