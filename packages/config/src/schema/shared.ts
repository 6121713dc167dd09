import {
  DEFAULT_CONCURRENCY,
  DEFAULT_MAX_INSTANCES,
  DEFAULT_QUORUM,
  DEFAULT_RETRIES,
  DEFAULT_RUN_TIMEOUT_MS,
  DEFAULT_TIMEOUT_MS
} from "../defaults.js";
import { DURATION_PATTERN, formatDurationSetting } from "../duration.js";
import { anyOf, describe, integer, literals, number, object, record, string } from "./builder.js";

// Shapes shared by consortium and suite files.

export const NAME_PATTERN = "^[A-Za-z0-9_-]+$";

export const schemaKey = string(
  "Path or URL of the JSON Schema for this file, read by editors; ignored by consortium."
);

export const fileName = (what: string) =>
  string(`Name of the ${what}: letters, digits, - and _.`, {
    pattern: NAME_PATTERN,
    patternErrorMessage: "must contain only letters, digits, - and _",
    examples: ["research"]
  });

export const modelRef = string(
  "A model as <provider>/<model>, e.g. openai/gpt-4.1-mini or ollama/qwen2.5:7b. The provider ends at the first /. " +
    "Bare gpt-*, o1*, o3*, o4* mean openai/..., bare claude-* means anthropic/...",
  {
    pattern: "^\\S+$",
    patternErrorMessage: "must be a model reference without spaces, e.g. openai/gpt-4.1-mini",
    examples: ["openai/gpt-4.1-mini", "anthropic/claude-sonnet-4-5"]
  }
);

export const countedModelRef = describe(
  modelRef,
  "A member as <provider>/<model>[:<count>]: only a trailing :<digits> is an instance count, so " +
    "openai/gpt-4.1-mini:2 is two instances and ollama/qwen2.5:7b is one instance of qwen2.5:7b.",
  { examples: ["openai/gpt-4.1-mini:2", "anthropic/claude-sonnet-4-5", "ollama/qwen2.5:7b"] }
);

/** A number between 0 and 1; 80 is refused rather than guessed to mean 0.8. */
export const fraction = (description: string, defaultValue?: number) =>
  number(`${description} A fraction between 0 and 1 (0.8, not 80).`, {
    minimum: 0,
    maximum: 1,
    ...(defaultValue === undefined ? {} : { default: defaultValue })
  });

export const modelParams = {
  temperature: number("Sampling temperature (0..2).", { minimum: 0, maximum: 2 }),
  max_tokens: integer("Most tokens the model may write in its answer.", { minimum: 1 }),
  top_p: number("Nucleus sampling: the probability mass to sample from (0..1).", { minimum: 0, maximum: 1 }),
  system: string("System prompt for this model, replacing the file's system prompt.")
} as const;

export const duration = (description: string, defaultMs: number) =>
  anyOf(
    `${description} A number of seconds, or a string such as "500ms", "30s", "2m", "1h".`,
    [
      number("Seconds.", { minimum: 0 }),
      string("A duration with a unit: ms, s, m or h.", {
        pattern: DURATION_PATTERN,
        patternErrorMessage: 'must be a duration such as "500ms", "30s", "2m" or a number of seconds'
      })
    ],
    { default: formatDurationSetting(defaultMs) }
  );

const usdPerMillion = (description: string) =>
  number(`${description} USD per million tokens.`, { minimum: 0, examples: [0.4] });

export const modelPrice = object(
  "What a model costs. Overrides or adds to the built-in price list, which may be out of date.",
  {
    input: usdPerMillion("Input (prompt) tokens."),
    output: usdPerMillion("Output tokens."),
    cached_input: usdPerMillion("Input tokens read from the prompt cache. Default: the input price."),
    cache_write: usdPerMillion("Input tokens written to the prompt cache (Anthropic). Default: the input price.")
  },
  ["input", "output"]
);

export const budgetUsd = (description: string) =>
  number(`${description} In USD; every model used needs a price.`, { exclusiveMinimum: 0, examples: [0.5] });

export const provider = object(
  "How to reach a provider. openai and anthropic are built in; declare others (Ollama, vLLM, OpenRouter...) here.",
  {
    type: literals(
      "Wire protocol: openai (chat completions, also Ollama, vLLM, OpenRouter) or anthropic (messages). " +
        "Required except for the built-in openai and anthropic.",
      ["openai", "anthropic"]
    ),
    base_url: string("Base URL of the API, e.g. http://localhost:11434/v1. Built-ins default to the official API.", {
      pattern: "^https?://\\S+$",
      patternErrorMessage: "must be an http:// or https:// URL",
      examples: ["http://localhost:11434/v1"]
    }),
    api_key_env: string(
      "NAME of the environment variable holding the API key (never the key itself). Omit for servers that need no key.",
      {
        pattern: "^[A-Za-z_][A-Za-z0-9_]*$",
        patternErrorMessage: "must be the name of an environment variable, e.g. OLLAMA_API_KEY",
        examples: ["OPENROUTER_API_KEY"]
      }
    ),
    concurrency: integer("Most calls in flight to this provider at once.", { minimum: 1 }),
    prices: record(
      "Prices by model id, overriding or adding to the built-in list. A dated id (gpt-4.1-mini-2025-04-14, " +
        "claude-sonnet-4-5-20250929) falls back to the price of its family (gpt-4.1-mini, claude-sonnet-4-5).",
      modelPrice
    )
  }
);

export const providers = record("Providers besides the built-in openai and anthropic, by name.", provider, {
  keyPattern: "^[A-Za-z0-9][A-Za-z0-9_.-]*$",
  keyPatternErrorMessage: "is not a valid provider name: use letters, digits, '.', '-' and '_' (no '/')"
});

export const limits = object("Timeouts, retries and concurrency of a run.", {
  concurrency: integer("Most model calls in flight for one run.", { minimum: 1, default: DEFAULT_CONCURRENCY }),
  timeout: duration("Time limit of one attempt of one model call.", DEFAULT_TIMEOUT_MS),
  retries: integer("Retries of a retryable failure (429, 5xx, timeout, connection reset).", {
    minimum: 0,
    default: DEFAULT_RETRIES
  }),
  quorum: integer("Fewest member answers an iteration needs to go on.", { minimum: 1, default: DEFAULT_QUORUM }),
  max_instances: integer("Most member instances (counts added up) the consortium may have; a guard against typos.", {
    minimum: 1,
    default: DEFAULT_MAX_INSTANCES
  }),
  run_timeout: duration("Time limit of the whole run.", DEFAULT_RUN_TIMEOUT_MS),
  budget_usd: budgetUsd(
    "Most the run may spend. A call that could take the run past it is never started; the run then ends " +
      "degraded with the best synthesis so far."
  )
});
