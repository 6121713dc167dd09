import type { Limits, ModelRef, ProviderConfig, ProviderType } from "./types.js";

// Every default lives here, under a name, so the schema's `default` annotations, the loader and the
// docs agree.

export const DEFAULT_THRESHOLD = 0.8;
export const DEFAULT_MIN_ITERATIONS = 1;
export const DEFAULT_MAX_ITERATIONS = 3;
export const DEFAULT_ANONYMIZE = true;

export const DEFAULT_CONCURRENCY = 8;
export const DEFAULT_TIMEOUT_MS = 120_000;
export const DEFAULT_RETRIES = 3;
export const DEFAULT_QUORUM = 1;
/**
 * Most member instances one consortium may have unless `limits.max_instances` says otherwise: a
 * typo such as `:100000` should be an error, not a bill (or a run that takes the machine down).
 */
export const DEFAULT_MAX_INSTANCES = 256;
export const DEFAULT_RUN_TIMEOUT_MS = 15 * 60_000;

/** Limits for a run; also what single-model suite targets and llm-rubric judges use. */
export const DEFAULT_LIMITS: Limits = {
  concurrency: DEFAULT_CONCURRENCY,
  timeoutMs: DEFAULT_TIMEOUT_MS,
  retries: DEFAULT_RETRIES,
  quorum: DEFAULT_QUORUM,
  runTimeoutMs: DEFAULT_RUN_TIMEOUT_MS
};

/** Pass rate each suite target needs. */
export const DEFAULT_SUITE_THRESHOLD = 1;
/** Judge of `llm-rubric` assertions when neither the assertion nor the suite names one. */
export const DEFAULT_JUDGE_REF: ModelRef = { provider: "openai", model: "gpt-4.1-mini" };
/** The same, as written in a file. */
export const DEFAULT_JUDGE = `${DEFAULT_JUDGE_REF.provider}/${DEFAULT_JUDGE_REF.model}`;

/** Where a built-in provider's key and base URL come from, and the vendor's endpoint when nothing says. */
export interface BuiltInEndpoint {
  readonly keyVariable: string;
  readonly baseUrlVariable: string;
  readonly defaultBaseUrl: string;
}

/** The one table of the providers every file has without declaring them; the providers package reads it too. */
export const BUILTIN_ENDPOINTS: Readonly<Record<ProviderType, BuiltInEndpoint>> = {
  openai: {
    keyVariable: "OPENAI_API_KEY",
    baseUrlVariable: "OPENAI_BASE_URL",
    defaultBaseUrl: "https://api.openai.com/v1"
  },
  anthropic: {
    keyVariable: "ANTHROPIC_API_KEY",
    baseUrlVariable: "ANTHROPIC_BASE_URL",
    defaultBaseUrl: "https://api.anthropic.com"
  }
};

const builtInProvider = (name: ProviderType): ProviderConfig => ({
  name,
  type: name,
  baseUrl: undefined,
  apiKeyEnv: BUILTIN_ENDPOINTS[name].keyVariable,
  concurrency: undefined
});

/** The built-in providers as a file would declare them: named after their wire protocol, keyed by default. */
export const BUILTIN_PROVIDERS: Readonly<Record<ProviderType, ProviderConfig>> = {
  openai: builtInProvider("openai"),
  anthropic: builtInProvider("anthropic")
};

/** `{{name}}` placeholders each template may use; any other is a validation error. */
export const TEMPLATE_PLACEHOLDERS = {
  member: ["prompt", "system"],
  refine: ["prompt", "previous_synthesis", "refinement_areas", "dissent", "confidence", "iteration"],
  arbiter: ["prompt", "system", "responses", "history", "iteration"],
  review: ["prompt", "responses"],
  layer: ["prompt", "responses", "layer"]
} as const satisfies Record<string, ReadonlyArray<string>>;

/** How a round may be judged; the first is the default. */
export const JUDGING_METHOD_NAMES = ["synthesis", "select", "peer-review", "vote"] as const;
export const DEFAULT_JUDGING = "synthesis";
/** Fewest member instances elimination leaves in play. */
export const DEFAULT_KEEP_AT_LEAST = 2;
/** Times the members answer in each round before the judge (Mixture-of-Agents layers). */
export const DEFAULT_LAYERS = 1;
/** Deepest chain of consortia including one another (a includes b includes c includes d is 3). */
export const MAX_NESTING_DEPTH = 3;

/** Placeholders a template may use only under one judging method: the peer rankings' aggregate. */
export const JUDGING_PLACEHOLDERS: Readonly<
  Record<string, Partial<Record<keyof typeof TEMPLATE_PLACEHOLDERS, ReadonlyArray<string>>>>
> = {
  "peer-review": { arbiter: ["ranking"] }
};
