import { type ConversationLink, type Turn, turnsOf } from "@consortium/engine";
import { Store, type TurnMatch } from "@consortium/store";
import { Effect, Option } from "effect";

// A chat client sends the whole conversation with every request and never a run id. A follow-up is
// linked to the stored run it continues, so `consortium show` lists the turns as for `run --continue`:
// the run whose prompt and synthesis are the history's last exchange, and whose own chain of turns is
// the rest of the history exactly (newest such run first). A history the client edited matches no
// chain: the run then starts a conversation of its own, and its calls still carry the history as sent.

/** The history's last exchange: its final assistant message and the user message just before it. */
const lastExchange = (history: ReadonlyArray<Turn>): { prompt: string; synthesis: string } | undefined => {
  const answer = history.at(-1);
  const prompt = history.at(-2);
  if (answer?.role !== "assistant" || prompt?.role !== "user") return undefined;
  return { prompt: prompt.content, synthesis: answer.content };
};

const sameTurns = (a: ReadonlyArray<Turn>, b: ReadonlyArray<Turn>): boolean =>
  a.length === b.length && a.every((turn, i) => turn.role === b[i]?.role && turn.content === b[i]?.content);

/** Whether the turns that led to this run, and the run itself, are the history as the client sent it. */
const continues = (history: ReadonlyArray<Turn>, match: TurnMatch): boolean =>
  sameTurns(turnsOf(match.chain.map((turn) => ({ prompt: turn.prompt, answer: turn.synthesis }))), history);

// runs with the same last exchange but another past (the same first question asked twice) are passed
// over, newest first, up to this many
const MAX_CANDIDATES = 5;

/**
 * The conversation a request with this history continues, when its runs are in the store. Never
 * fails: with no store (`--no-log`) or a lookup that fails, the run starts its own conversation.
 */
export const findConversation = (
  consortium: string,
  history: ReadonlyArray<Turn>
): Effect.Effect<ConversationLink | undefined> => {
  const exchange = lastExchange(history);
  if (exchange === undefined) return Effect.succeed(undefined);
  return Effect.gen(function* () {
    const store = yield* Effect.serviceOption(Store);
    if (Option.isNone(store)) return undefined;
    let before: string | undefined;
    for (let tried = 0; tried < MAX_CANDIDATES; tried++) {
      const match = yield* store.value.findTurn({
        consortium,
        ...exchange,
        ...(before === undefined ? {} : { before })
      });
      if (match === undefined) return undefined;
      if (continues(history, match)) return { id: match.conversationId, parentRunId: match.runId };
      before = match.startedAt;
    }
    return undefined;
  }).pipe(Effect.orElseSucceed(() => undefined));
};
