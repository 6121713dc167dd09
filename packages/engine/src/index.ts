export {
  allOf,
  type Budget,
  budgetReachedMessage,
  DEFAULT_RESERVED_OUTPUT_TOKENS,
  makeBudget,
  promptTokenBound,
  type Refusal,
  textTokenBound
} from "./budget.js";
export {
  type Consortium,
  type ConsortiumOptions,
  type ConsortiumRunOptions,
  type ConsortiumSpec,
  consortiumOf,
  createConsortium,
  InvalidConsortiumError,
  loadConsortium,
  RunNotStartedError
} from "./Consortium.js";
export {
  type CallHooks,
  type CallOutcome,
  callModel,
  errorInfo,
  RETRY_BASE,
  RETRY_CAP,
  retryAfter,
  retryPolicy
} from "./callPolicy.js";
export { CALL_ROLES, type CallRole, isCallRole } from "./callRole.js";
export { type CallSite, currentCallSite } from "./callSite.js";
export {
  type ConversationLink,
  type Exchange,
  type Turn,
  turnsOf,
  withHistory
} from "./conversation.js";
export { addCost, addUsage, priceFor, runUsage, sumUsage, withCost } from "./cost.js";
export { describeEvent } from "./describeEvent.js";
export {
  addCalls,
  addRunCalls,
  type CallCount,
  type CostEstimate,
  EstimateBuilder,
  estimateRun,
  type ModelEstimate,
  TYPICAL_OUTPUT_SHARE
} from "./estimate.js";
export {
  type Gate,
  type Gates,
  makeGate,
  makeGates,
  makeProviderGates,
  type ProviderGates,
  providerGate
} from "./gates.js";
export type { Judged, JudgeRecord, JudgingMethod, RoundToJudge, Verdict } from "./judging/JudgingMethod.js";
export { JUDGING_METHODS, type JudgingName, judgingMethod } from "./judging/methods.js";
export { liveSynthesisReader } from "./liveSynthesis.js";
export { locally } from "./locally.js";
export { withSystemText } from "./memberRequest.js";
export {
  answered,
  decideOutcome,
  describeError,
  type Ending,
  type Outcome,
  type RunProgress,
  totalUsage
} from "./outcome.js";
export {
  type ParsedArbiterOutput,
  parseArbiterOutput,
  parseAreas,
  parseBoolean,
  parseConfidence,
  stripWrappingFence
} from "./parseArbiter.js";
export {
  type Answer,
  arbiterPrompt,
  formatHistory,
  formatResponses,
  type HistoryEntry,
  type LabelledAnswer,
  labelAnswers,
  memberPrompt,
  neutraliseTags,
  type PreviousRound,
  refinePrompt,
  tagNeutraliser
} from "./prompts.js";
export * from "./RunEvents.js";
export * from "./RunLog.js";
export { renderTemplate } from "./render.js";
export type * from "./result.js";
export { type RunOptions, runConsortium } from "./runConsortium.js";
export { formatRunId, makeRunId } from "./runId.js";
export { iterationSeed, mulberry32, seededShuffle } from "./shuffle.js";
export { describeStartError } from "./startErrors.js";
export { decideStop, type RoundVerdict, type StopBounds, type StopDecision } from "./stopRule.js";
export {
  ARBITER_TEMPLATE,
  MEMBER_TEMPLATE,
  REFINE_TEMPLATE,
  type ResolvedTemplates,
  resolveTemplates
} from "./templates.js";
export * from "./text/index.js";
