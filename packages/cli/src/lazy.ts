import * as Effect from "effect/Effect";

// Heavy modules load on first use: esbuild splits each dynamic import into its own chunk, so
// `consortium --version` and `--help` never parse ajv, yaml or the provider SDKs.

export const configModule = Effect.promise(() => import("@consortium/config"));
