import * as Either from "effect/Either";

export interface ParsedModelRef {
  readonly provider: string;
  readonly model: string;
  /** Instances; 1 unless the reference ends in `:<digits>`. */
  readonly count: number;
}

const TRAILING_COUNT = /^(.*):(\d+)$/;

/** Bare model names that unambiguously belong to a built-in provider. */
const inferProvider = (model: string): string | undefined => {
  if (/^(gpt-|o1|o3|o4)/.test(model)) return "openai";
  if (model.startsWith("claude-")) return "anthropic";
  return undefined;
};

/** True when the text ends in a `:<digits>` instance count. */
export const hasCount = (text: string): boolean => TRAILING_COUNT.test(text);

/**
 * `<provider>/<model>[:<count>]`. Only a trailing `:<digits>` is a count (`ollama/qwen2.5:7b` is one
 * instance of `qwen2.5:7b`), the provider ends at the first `/` (`openrouter/meta-llama/llama-3.1-70b`
 * is model `meta-llama/llama-3.1-70b`), and bare `gpt-*`, `o1*`, `o3*`, `o4*`, `claude-*` names get their
 * built-in provider. Left: a message, without the reference itself (callers add the location).
 */
export const parseModelRef = (text: string): Either.Either<ParsedModelRef, string> => {
  if (text.length === 0) return Either.left("is empty: write <provider>/<model>, e.g. openai/gpt-4.1-mini");
  if (/\s/.test(text)) return Either.left(`"${text}" contains white space: write <provider>/<model>[:<count>]`);

  const counted = TRAILING_COUNT.exec(text);
  const ref = counted === null ? text : counted[1]!;
  const count = counted === null ? 1 : Number(counted[2]);
  if (count < 1) return Either.left(`"${text}": the instance count after ":" must be at least 1`);
  if (!Number.isSafeInteger(count)) return Either.left(`"${text}": the instance count after ":" is too large`);
  if (ref.length === 0) return Either.left(`"${text}" names no model before the count`);

  const slash = ref.indexOf("/");
  if (slash === -1) {
    const provider = inferProvider(ref);
    return provider === undefined
      ? Either.left(
          `"${ref}" names no provider: write <provider>/${ref} and declare that provider under providers ` +
            `(e.g. ollama/${ref} with providers.ollama); only gpt-*, o1*, o3*, o4* and claude-* imply one`
        )
      : Either.right({ provider, model: ref, count });
  }
  const provider = ref.slice(0, slash);
  const model = ref.slice(slash + 1);
  if (provider.length === 0) return Either.left(`"${text}" has an empty provider before "/"`);
  if (model.length === 0) return Either.left(`"${text}" has an empty model after "${provider}/"`);
  return Either.right({ provider, model, count });
};

/** `provider/model`, the label used everywhere a model is named. */
export const formatModelRef = (ref: { readonly provider: string; readonly model: string }): string =>
  `${ref.provider}/${ref.model}`;
