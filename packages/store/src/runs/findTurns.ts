import type { Db } from "../Db.js";
import { toConversationTurn } from "../rows.js";
import type { ConversationTurn } from "../types.js";

// Finding a conversation again from its text. A chat client (behind `consortium serve`) sends the
// whole conversation with every request and no run id, so the run a follow-up continues is the one
// whose prompt and synthesis are the conversation's last exchange. The runs already have a
// (consortium, started_at) index: the newest runs of the consortium are walked newest first, and only
// the latest RECENT_RUNS of them, so a history that matches nothing (edited by the client) costs a
// bounded walk instead of one over every run the consortium ever had.

const RECENT_RUNS = 10_000;
const MAX_CANDIDATES = 5;

export interface TurnQuery {
  readonly consortium: string;
  readonly prompt: string;
  readonly synthesis: string;
}

export interface TurnMatch {
  readonly runId: string;
  readonly conversationId: string;
  /** The turns leading to this run, oldest first, ending with it (its parent chain). */
  readonly chain: ReadonlyArray<ConversationTurn>;
}

/**
 * The turns leading to `runId`, oldest first: its parent chain, not every run of the conversation,
 * so continuing from an earlier turn branches instead of mixing both branches.
 */
export const chainTo = (turns: ReadonlyArray<ConversationTurn>, runId: string): Array<ConversationTurn> => {
  const byId = new Map(turns.map((turn) => [turn.runId, turn]));
  const chain: Array<ConversationTurn> = [];
  const seen = new Set<string>();
  for (let at = byId.get(runId); at !== undefined && !seen.has(at.runId); at = byId.get(at.parentRunId ?? "")) {
    seen.add(at.runId);
    chain.unshift(at);
  }
  return chain;
};

/** The newest runs with this prompt and synthesis, each with the chain of turns that led to it. */
export const findTurns = async (db: Db, query: TurnQuery): Promise<ReadonlyArray<TurnMatch>> => {
  const recent = db
    .selectFrom("runs")
    .select(["id", "conversation_id", "prompt", "synthesis", "started_at"])
    .where("consortium", "=", query.consortium)
    .orderBy("started_at", "desc")
    .limit(RECENT_RUNS)
    .as("recent");
  const candidates = await db
    .selectFrom(recent)
    .select(["id", "conversation_id"])
    .where("prompt", "=", query.prompt)
    .where("synthesis", "=", query.synthesis)
    .orderBy("started_at", "desc")
    .orderBy("id", "desc")
    .limit(MAX_CANDIDATES)
    .execute();
  const matches: Array<TurnMatch> = [];
  for (const candidate of candidates) {
    const conversationId = candidate.conversation_id ?? candidate.id;
    const turns = await db
      .selectFrom("runs")
      .select(["id", "parent_run_id", "status", "prompt", "synthesis", "started_at"])
      .where("conversation_id", "=", conversationId)
      .execute();
    matches.push({ runId: candidate.id, conversationId, chain: chainTo(turns.map(toConversationTurn), candidate.id) });
  }
  return matches;
};
