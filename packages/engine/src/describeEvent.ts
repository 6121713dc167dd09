import { describeError } from "./outcome.js";
import type { RunEvent } from "./RunEvents.js";
import { formatDuration } from "./text/duration.js";
import { plural } from "./text/line.js";

// One short line per progress event, for a live display or a log. Pure, so every display says the
// same thing the same way; undefined for events not worth a line of their own.

/** The model part of a label (`openai/gpt-4.1-mini#2` → `openai/gpt-4.1-mini`), to trim it from messages. */
const modelOf = (label: string): string => label.replace(/#\d+$/, "");

export const describeEvent = (event: RunEvent): string | undefined => {
  switch (event._tag) {
    case "RunStarted":
      return `run ${event.runId}: ${event.consortium}, ${plural(event.members.length, "member")}, up to ${plural(event.maxIterations, "round")}`;
    case "IterationStarted":
      return `round ${event.iteration}`;
    case "CallStarted":
      return event.attempt === 1 ? `${event.label} started` : `${event.label} attempt ${event.attempt}`;
    case "CallRetrying":
      return `${event.label} retrying in ${formatDuration(event.delayMs)} because ${describeError(event.error, modelOf(event.label))}`;
    case "CallEnded":
      return event.error === null
        ? `${event.label} done in ${formatDuration(event.latencyMs)}${event.attempts > 1 ? ` after ${event.attempts} attempts` : ""}`
        : `${event.label} failed: ${describeError(event.error, modelOf(event.label))}`;
    case "IterationEnded":
      return (
        `round ${event.iteration}: confidence ${event.confidence.toFixed(2)}` +
        (event.stop ? ", done" : event.needsIteration ? ", the arbiter asks for another round" : ", another round")
      );
    case "SynthesisDelta":
      return undefined;
    case "SynthesisFinal":
      return event.revised ? "the answer shown while it was written was replaced by the final one" : undefined;
    case "RunEnded":
      return event.error === null ? `run ${event.status}` : `run ${event.status}: ${event.error}`;
  }
};
