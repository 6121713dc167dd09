// What a store needs to record evals, without the runner and its assertions: the package index reaches
// ajv, and the bundler then loads ajv with the store on every `consortium run`, which records no eval.
export { canonicalJson, sha256Hex } from "./canonicalJson.js";
export * from "./EvalLog.js";
export { InvalidEvalOption } from "./errors.js";
export type { EvalOutcome } from "./report/exitCode.js";
export { outcomeOf } from "./report/exitCode.js";
export { asEvalReport, mergeReports, type NamedReport } from "./report/merge.js";
export type { EvalReport } from "./report/types.js";
