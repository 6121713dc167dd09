import { BUILTIN_PROVIDERS } from "../defaults.js";
import type { Path, Problem } from "../problem.js";
import { asRecord, isRecord } from "./data.js";

/** A provider that is not built in must say which protocol it speaks. */
export const providerProblems = (providers: unknown, base: Path): Array<Problem> =>
  Object.entries(asRecord(providers)).flatMap(
    ([name, provider]): Array<Problem> =>
      name in BUILTIN_PROVIDERS || !isRecord(provider) || provider.type !== undefined
        ? []
        : [
            {
              path: [...base, name, "type"],
              at: "parent",
              message:
                "is required for a provider that is not built in: openai (chat completions) or anthropic (messages)",
              source: "semantic"
            }
          ]
  );
