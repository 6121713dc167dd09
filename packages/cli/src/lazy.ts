import * as Effect from "effect/Effect";
import * as Layer from "effect/Layer";

// Heavy modules load on first use: esbuild splits each dynamic import into its own chunk, so
// `consortium --version` and `--help` never parse ajv, yaml, the provider SDKs or SQLite.

export const configModule = Effect.promise(() => import("@consortium/config"));

export const storeModule = Effect.promise(() => import("@consortium/store"));

export const viewModule = Effect.promise(() => import("@consortium/view"));

/** A layer built from the store package, which loads (with its native SQLite addon) only when the layer is. */
export const storeLayer = <A, E, R>(
  build: (store: typeof import("@consortium/store")) => Layer.Layer<A, E, R>
): Layer.Layer<A, E, R> => Layer.unwrapEffect(Effect.map(storeModule, build));
