import { Effect } from "effect";
import { type RunEvent, RunEvents } from "./RunEvents.js";
import { startsWith } from "./text/startsWith.js";

// The run's answer as it is written, for whoever shows it live (serve's SSE, the terminal, onEvent).
// What has been sent can never be taken back, so the text sent only ever grows: a piece goes out only
// when it extends what was sent. That one rule keeps a retried or fallback attempt from repeating
// text already sent, and a round that is not final from showing at all (its text is never offered).

export interface AnswerStream {
  /** Sends what `text` adds to what was sent, when it starts with all of it; else nothing. */
  readonly offer: (iteration: number, text: string) => void;
  /** The run's answer: sends the rest of it when it can, then SynthesisFinal. */
  readonly end: (iteration: number, text: string | null) => Effect.Effect<void>;
}

/** Undefined without a RunEvents service: then nobody is listening and nothing streams. */
export const makeAnswerStream = (runId: string): Effect.Effect<AnswerStream | undefined> =>
  Effect.map(Effect.serviceOption(RunEvents), (events) => {
    if (events._tag === "None") return undefined;
    // Offers come from the SDK's stream callbacks, outside any fiber. Listeners are synchronous (see
    // RunEvents), so running each event at once keeps every event in order with the run's own.
    const emit = (event: RunEvent): void => {
      try {
        Effect.runSync(events.value.emit(event));
      } catch {
        // A display must never break the run it displays.
      }
    };
    let sent = "";
    const offer = (iteration: number, text: string): void => {
      if (text.length <= sent.length || !startsWith(text, sent)) return;
      const delta = text.slice(sent.length);
      sent = text;
      emit({ _tag: "SynthesisDelta", runId, iteration, text: delta });
    };
    return {
      offer,
      end: (iteration, text) =>
        Effect.sync(() => {
          if (text !== null) offer(iteration, text);
          const revised = sent.length > 0 && (text === null || !startsWith(text, sent));
          emit({ _tag: "SynthesisFinal", runId, text, revised });
        })
    };
  });
