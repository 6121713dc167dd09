// The normalised, typed configuration the loader produces. Everything downstream (engine, eval, CLI)
// reads these shapes, never raw YAML. Durations are milliseconds; defaults are filled in.

/** Wire protocol a provider speaks. */
export type ProviderType = "openai" | "anthropic";

export interface ProviderConfig {
  readonly name: string;
  readonly type: ProviderType;
  /** Undefined: the SDK default, or OPENAI_BASE_URL / ANTHROPIC_BASE_URL for the built-ins. */
  readonly baseUrl: string | undefined;
  /** NAME of the environment variable holding the key, never the key itself. Undefined: no key needed. */
  readonly apiKeyEnv: string | undefined;
  /** Cap on in-flight calls to this provider; undefined means only the run-wide limit applies. */
  readonly concurrency: number | undefined;
  /** The file's own prices by model id; the built-in list (see prices/) fills in the rest. */
  readonly prices?: Readonly<Record<string, ModelPrice>> | undefined;
}

/** USD per million tokens. */
export interface ModelPrice {
  readonly input: number;
  readonly output: number;
  /** Input tokens read from the provider's prompt cache; default: the input price. */
  readonly cachedInput?: number | undefined;
  /** Input tokens written to the prompt cache (Anthropic); default: the input price. */
  readonly cacheWrite?: number | undefined;
}

/** `openrouter/meta-llama/llama-3.1-70b` → provider "openrouter", model "meta-llama/llama-3.1-70b". */
export interface ModelRef {
  readonly provider: string;
  readonly model: string;
}

export interface ModelParams {
  readonly temperature?: number | undefined;
  readonly maxTokens?: number | undefined;
  readonly topP?: number | undefined;
  readonly system?: string | undefined;
}

export interface MemberConfig extends ModelRef, ModelParams {
  /** Instances of this model answering each round (same model listed twice adds up). */
  readonly count: number;
  /**
   * Set when the member is a whole consortium: provider is then "consortium" and model the reference
   * as written, so the member reads `consortium/<ref>` wherever members are listed.
   */
  readonly consortium?: NestedConsortium | undefined;
}

/** A consortium answering as one member of another: each instance is a run of its own. */
export interface NestedConsortium {
  /** As written in the file: a file (relative to the including file) or a name. */
  readonly ref: string;
  /** The included consortium; undefined when the config was built without reading files (pure parse, an object). */
  readonly config?: ConsortiumConfig | undefined;
}

export interface ArbiterConfig extends ModelRef, ModelParams {
  /** Tried in order when the arbiter fails after its retries. */
  readonly fallbacks: ReadonlyArray<ModelRef>;
}

export interface Templates {
  readonly member: string | undefined;
  readonly refine: string | undefined;
  readonly arbiter: string | undefined;
  /** What each reviewer gets under peer-review; absent: the built-in. */
  readonly review?: string | undefined;
  /** What members get from layer 2 on; absent: the built-in. */
  readonly layer?: string | undefined;
}

/** How a round is judged: synthesis (the default), select, peer-review or vote. */
export type JudgingMethodName = "synthesis" | "select" | "peer-review" | "vote";

export interface StrategyConfig {
  /** Lowest-ranked instances that sit out the next round; 0: none. */
  readonly eliminate: number;
  readonly keepAtLeast: number;
  /** Instance i (file order) gets roles[i % length]; empty: no roles. */
  readonly roles: ReadonlyArray<string>;
}

export interface VoteConfig {
  /** `/pattern/flags`: its first capture (else the whole match) is the answer's vote. Undefined: the normalised text. */
  readonly extract: string | undefined;
}

export interface Limits {
  readonly concurrency: number;
  readonly timeoutMs: number;
  readonly retries: number;
  readonly quorum: number;
  readonly runTimeoutMs: number;
  /** Most the run may spend, in USD; undefined: no budget. */
  readonly budgetUsd?: number | undefined;
}

export interface ConsortiumConfig {
  readonly name: string;
  readonly description: string | undefined;
  readonly members: ReadonlyArray<MemberConfig>;
  /** Absent only under `judging: vote`, where a tie then goes to the first answer in member order. */
  readonly arbiter?: ArbiterConfig | undefined;
  readonly confidenceThreshold: number;
  readonly minIterations: number;
  readonly maxIterations: number;
  readonly system: string | undefined;
  readonly anonymize: boolean;
  readonly prompts: Templates;
  /** Built-ins (openai, anthropic) merged with the file's own. */
  readonly providers: Readonly<Record<string, ProviderConfig>>;
  readonly limits: Limits;
  /**
   * How each round is judged; absent means synthesis. Left out unless the file sets it, so an
   * unchanged file keeps the same config (and hash) as before judging methods existed.
   */
  readonly judging?: JudgingMethodName | undefined;
  /** Settings of `judging: vote`; absent unless the file sets them. */
  readonly vote?: VoteConfig | undefined;
  /** Between-round strategy (elimination, roles); absent unless the file sets one. */
  readonly strategy?: StrategyConfig | undefined;
  /** Answering layers per round; absent means 1. */
  readonly layers?: number | undefined;
  /** Absolute path of the file it came from; undefined when built in code. */
  readonly source: string | undefined;
}

export type AssertionType =
  | "equals"
  | "contains"
  | "icontains"
  | "starts-with"
  | "regex"
  | "is-json"
  | "json-schema"
  | "min-confidence"
  | "max-latency-ms"
  | "max-cost-usd"
  | "llm-rubric";

export interface Assertion {
  readonly type: AssertionType;
  readonly negate: boolean;
  /** string for text checks and llm-rubric, number for min-confidence / max-latency-ms, object for json-schema */
  readonly value: unknown;
  /** llm-rubric only: the judge model; defaults to the suite's judge or openai/gpt-4.1-mini */
  readonly judge?: ModelRef | undefined;
}

export interface SuiteCase {
  readonly id: string;
  readonly prompt: string;
  /** The case's own assertions followed by the suite's defaults. */
  readonly assert: ReadonlyArray<Assertion>;
}

export type SuiteTarget =
  | { readonly kind: "consortium"; readonly file: string; readonly config: ConsortiumConfig }
  | { readonly kind: "model"; readonly ref: ModelRef & ModelParams; readonly label: string };

export interface SuiteConfig {
  readonly name: string;
  readonly description: string | undefined;
  readonly targets: ReadonlyArray<SuiteTarget>;
  readonly threshold: number;
  readonly cases: ReadonlyArray<SuiteCase>;
  readonly judge: ModelRef | undefined;
  readonly providers: Readonly<Record<string, ProviderConfig>>;
  readonly source: string | undefined;
  /** Runs of each case × target (flaky answers); undefined: once. */
  readonly repeat?: number | undefined;
  /** Share of its repeats a case must pass; undefined: all of them. */
  readonly caseThreshold?: number | undefined;
  /** Most the whole suite may spend, in USD, across every target, case and judge; undefined: no budget. */
  readonly budgetUsd?: number | undefined;
}
