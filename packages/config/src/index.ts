export { baseUrlProblem } from "./checks/providers.js";
export { consortiumFromObject, parseConsortium } from "./consortium.js";
export { loadConsortiumFile, loadConsortiumFileData } from "./consortiumFile.js";
export * from "./defaults.js";
export { DURATION_PATTERN, formatDurationSetting, parseDuration } from "./duration.js";
export * from "./errors.js";
export { detectFileKind, type FileKind } from "./fileKind.js";
export { formatConfigError, formatIssue } from "./format.js";
export { consortiaWithin } from "./included.js";
export { readFailure as describeReadFailure } from "./io.js";
export {
  consortiumFilesIn,
  type ListedConsortiumFile,
  listConsortia,
  type ShadowedConsortiumFile,
  shadowedFiles
} from "./list.js";
export { formatModelRef, type ParsedModelRef, parseModelRef } from "./modelRef.js";
export {
  arbiterModels,
  consortiumModels,
  consortiumUnpricedModels,
  suiteUnpricedModels,
  unpricedBudgetMessage,
  unpricedModels
} from "./prices/coverage.js";
export { lookupPrice, priceOf } from "./prices/lookup.js";
export { BUILTIN_PRICES, type PriceList, type PriceOrigin } from "./prices/table.js";
export { addUsd, roundUsd } from "./prices/usd.js";
export { splitRegexLiteral } from "./regexLiteral.js";
export { resolveConsortiumPath } from "./resolve.js";
export { formatConsortiumYaml } from "./save.js";
export type { RawConsortium, RawSuite } from "./schema/index.js";
export { ASSERTION_TYPES, consortiumSchema, suiteSchema } from "./schema/index.js";
export { closest, didYouMean } from "./suggest.js";
export { loadSuiteFile, type SuiteLoadOptions } from "./suite.js";
export { loadTarget } from "./target.js";
export type * from "./types.js";
