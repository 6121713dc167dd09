import type { ChatMessage } from "@consortium/providers";

// A conversation is the turns before this run's prompt: earlier prompts (user) and the answers the
// consortium gave (assistant). Members and the arbiter get them as prior messages, so a follow-up
// question reads as one to every model. Pure.

export type Turn = ChatMessage;

/** Where a run sits in its conversation, for the run log: the conversation and the run it follows. */
export interface ConversationLink {
  readonly id: string;
  readonly parentRunId: string;
}

/** One earlier exchange: the prompt and the consortium's answer (null when that run had none). */
export interface Exchange {
  readonly prompt: string;
  readonly answer: string | null;
}

/** Earlier exchanges, oldest first, as turns. An exchange without an answer keeps its prompt only. */
export const turnsOf = (exchanges: ReadonlyArray<Exchange>): Array<Turn> =>
  exchanges.flatMap(
    (exchange): Array<Turn> =>
      exchange.answer === null
        ? [{ role: "user", content: exchange.prompt }]
        : [
            { role: "user", content: exchange.prompt },
            { role: "assistant", content: exchange.answer }
          ]
  );

/**
 * The messages of one call: the conversation, then this call's own user message. Consecutive turns of
 * one role are joined with a blank line, because Anthropic's API rejects two in a row and chat clients
 * do send them (a retried question, a system note). Turns with no text are dropped. With no history
 * this is exactly `[{ role: "user", content }]`.
 */
export const withHistory = (history: ReadonlyArray<Turn>, content: string): Array<Turn> => {
  const messages: Array<Turn> = [];
  const turns = history.filter((turn) => turn.content.trim().length > 0);
  for (const turn of [...turns, { role: "user" as const, content }]) {
    const last = messages.at(-1);
    if (last !== undefined && last.role === turn.role) {
      messages[messages.length - 1] = { role: turn.role, content: `${last.content}\n\n${turn.content}` };
    } else messages.push({ role: turn.role, content: turn.content });
  }
  return messages;
};
