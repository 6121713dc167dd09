import { Context, Effect, Layer } from "effect";
import type { CallRole } from "./callRole.js";
import type { CallErrorInfo, RunStatus } from "./result.js";

// Live progress for whoever watches a run (the CLI draws a line per member from these). Optional:
// runConsortium looks the service up with `Effect.serviceOption`, so callers that don't care provide
// nothing. Events are fire-and-forget; a slow listener slows the run, so keep handlers cheap.

export type { CallRole } from "./callRole.js";

export type RunEvent =
  | {
      readonly _tag: "RunStarted";
      readonly runId: string;
      readonly consortium: string;
      /** Member instances as `provider/model#n`, in file order. */
      readonly members: ReadonlyArray<string>;
      readonly maxIterations: number;
    }
  | { readonly _tag: "IterationStarted"; readonly runId: string; readonly iteration: number }
  | {
      readonly _tag: "CallStarted";
      readonly runId: string;
      readonly iteration: number;
      readonly role: CallRole;
      /** `provider/model#n` for members, `provider/model` for the arbiter and its fallbacks. */
      readonly label: string;
      /** 1 for the first attempt. */
      readonly attempt: number;
    }
  | {
      readonly _tag: "CallRetrying";
      readonly runId: string;
      readonly iteration: number;
      readonly role: CallRole;
      readonly label: string;
      /** The attempt that just failed. */
      readonly attempt: number;
      readonly delayMs: number;
      readonly error: CallErrorInfo;
    }
  | {
      readonly _tag: "CallEnded";
      readonly runId: string;
      readonly iteration: number;
      readonly role: CallRole;
      readonly label: string;
      readonly latencyMs: number;
      readonly attempts: number;
      readonly error: CallErrorInfo | null;
    }
  | {
      readonly _tag: "IterationEnded";
      readonly runId: string;
      readonly iteration: number;
      readonly confidence: number;
      readonly needsIteration: boolean;
      /** True when this was the last round. */
      readonly stop: boolean;
    }
  | { readonly _tag: "RunEnded"; readonly runId: string; readonly status: RunStatus; readonly error: string | null };

export class RunEvents extends Context.Tag("@consortium/engine/RunEvents")<
  RunEvents,
  { readonly emit: (event: RunEvent) => Effect.Effect<void> }
>() {
  static readonly none = Layer.succeed(RunEvents, { emit: () => Effect.void });

  /** Calls a plain function per event (the Promise API's `onEvent`); a throwing listener is ignored. */
  static readonly fromCallback = (onEvent: (event: RunEvent) => void) =>
    Layer.succeed(RunEvents, {
      emit: (event) =>
        Effect.sync(() => {
          try {
            onEvent(event);
          } catch {
            // A progress display must never break the run it displays.
          }
        })
    });
}

/** Emits to the RunEvents service when one is provided, else does nothing. */
export const emitEvent = (event: RunEvent): Effect.Effect<void> =>
  Effect.serviceOption(RunEvents).pipe(
    Effect.flatMap((events) => (events._tag === "Some" ? events.value.emit(event) : Effect.void))
  );
