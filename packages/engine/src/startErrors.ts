import type { StartError } from "@consortium/providers";

/** Why a run could not start, in one line for a person: what is wrong and what to do. */
export const describeStartError = (error: StartError): string => {
  switch (error._tag) {
    case "InvalidBaseUrl":
      return `provider ${error.provider}: the base URL (${error.source}) ${error.problem}`;
    case "MissingApiKey":
      return `provider ${error.provider} needs an API key: set the environment variable ${error.variable}`;
    case "UnknownProvider":
      return (
        `unknown provider "${error.provider}": declare it under providers: ` +
        `(known: ${error.known.length === 0 ? "none" : error.known.join(", ")})`
      );
  }
};
