import type { Db } from "../Db.js";
import { toConversationTurn } from "../rows.js";
import type { ConversationTurn } from "../types.js";

// Finding a conversation again from its text. A chat client (behind `consortium serve`) sends the
// whole conversation with every request and no run id, so the run a follow-up continues is one whose
// prompt and synthesis are the conversation's last exchange. One candidate at a time, newest first:
// the runs' (consortium, started_at) index is walked backwards and the walk stops at the first match,
// so the usual case (the previous turn was answered moments ago) reads a handful of rows. A history
// that matches nothing (edited by the client) stops at the consortium's latest RECENT_RUNS runs
// instead of reading every run the consortium ever had.

const RECENT_RUNS = 10_000;

export interface TurnQuery {
  readonly consortium: string;
  readonly prompt: string;
  readonly synthesis: string;
  /** Only runs started before this (the previous candidate's start): the next candidate. */
  readonly before?: string;
}

export interface TurnMatch {
  readonly runId: string;
  readonly conversationId: string;
  readonly startedAt: string;
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

/** The newest run with this prompt and synthesis (before `query.before`), with the chain of turns that led to it. */
export const findTurn = async (db: Db, query: TurnQuery): Promise<TurnMatch | undefined> => {
  // where the walk stops: the start of the consortium's RECENT_RUNS-th newest run (index only)
  const oldest = await db
    .selectFrom("runs")
    .select("started_at")
    .where("consortium", "=", query.consortium)
    .orderBy("started_at", "desc")
    .limit(1)
    .offset(RECENT_RUNS - 1)
    .executeTakeFirst();
  let candidates = db
    .selectFrom("runs")
    .select(["id", "conversation_id", "started_at"])
    .where("consortium", "=", query.consortium)
    .where("prompt", "=", query.prompt)
    .where("synthesis", "=", query.synthesis);
  if (oldest !== undefined) candidates = candidates.where("started_at", ">=", oldest.started_at);
  if (query.before !== undefined) candidates = candidates.where("started_at", "<", query.before);
  // by started_at alone: a second sort key would make the database sort every row instead of walking the index
  const found = await candidates.orderBy("started_at", "desc").limit(1).executeTakeFirst();
  if (found === undefined) return undefined;
  const conversationId = found.conversation_id ?? found.id;
  const turns = await db
    .selectFrom("runs")
    .select(["id", "parent_run_id", "status", "prompt", "synthesis", "started_at"])
    .where("conversation_id", "=", conversationId)
    .execute();
  return {
    runId: found.id,
    conversationId,
    startedAt: found.started_at,
    chain: chainTo(turns.map(toConversationTurn), found.id)
  };
};
