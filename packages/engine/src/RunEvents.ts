import { Context, Effect, Layer } from "effect";
import type { CallRole } from "./callRole.js";
import type { CallErrorInfo, RunStatus } from "./result.js";

// Live progress for whoever watches a run (the CLI draws a line per member from these). Optional:
// runConsortium looks the service up with `Effect.serviceOption`, so callers that don't care provide
// nothing. Events are fire-and-forget; a slow listener slows the run, so keep handlers cheap. `emit`
// must complete synchronously: synthesis pieces are emitted from the model client's stream callbacks.

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
  /**
   * A piece of the run's answer, as the arbiter writes it (the last allowed round) or at once when an
   * earlier round is decided final. Joined, a run's pieces are its synthesis (see SynthesisFinal).
   * Only runs asked to (`streamSynthesis`) send these, and never an included consortium's run.
   */
  | { readonly _tag: "SynthesisDelta"; readonly runId: string; readonly iteration: number; readonly text: string }
  /**
   * The run's answer, after its last SynthesisDelta: the result's synthesis text (null when there is
   * none). `revised`: the pieces sent are not the start of it (the arbiter wrote a second synthesis
   * after the first was streamed, or a streamed attempt failed and another answered differently), so
   * the pieces are not the answer: `text` is.
   */
  | { readonly _tag: "SynthesisFinal"; readonly runId: string; readonly text: string | null; readonly revised: boolean }
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
  // One step, not a lookup then a flatMap: a replayed case emits a dozen events.
  Effect.contextWithEffect((context: Context.Context<never>) => {
    const events = Context.getOption(context, RunEvents);
    return events._tag === "Some" ? events.value.emit(event) : Effect.void;
  });
