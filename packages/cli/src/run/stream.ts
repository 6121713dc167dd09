import type { RunEvent } from "@consortium/engine";
import * as Effect from "effect/Effect";

// The answer on stdout as it is written: the engine's SynthesisDelta events, the same ones `serve`
// forwards (the last allowed round live from the arbiter, an earlier round at once when it is decided
// final). A round another follows never sends any, so nothing of it is ever half-printed here; it is
// progress on stderr. Once a piece is out, the progress display stops redrawing (it would move the
// cursor over the text) and the result is not printed again.

export interface AnswerOnStdout {
  readonly onEvent: (event: RunEvent) => void;
  /** True once a piece was written: the synthesis is on stdout already. */
  readonly started: () => boolean;
  /** The pieces turned out not to be the answer (the engine says so in SynthesisFinal). */
  readonly revised: () => boolean;
  /** Ends the streamed text with its newline once stdout has taken all of it. */
  readonly finish: Effect.Effect<void>;
}

export const answerOnStdout = (write: (text: string, done?: () => void) => void): AnswerOnStdout => {
  let started = false;
  let revised = false;
  return {
    onEvent: (event) => {
      if (event._tag === "SynthesisDelta") {
        started = true;
        write(event.text);
      } else if (event._tag === "SynthesisFinal") revised = event.revised;
    },
    started: () => started,
    revised: () => revised,
    finish: Effect.async<void>((resume) => {
      write("\n", () => resume(Effect.void));
    })
  };
};
