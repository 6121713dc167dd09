import type { ConversationLink, Turn } from "@consortium/engine";
import type { ConversationTurn } from "@consortium/store";
import * as Effect from "effect/Effect";
import { UsageError } from "../failures.js";
import { storeModule } from "../lazy.js";

// `run --continue [<run-id>]` / `-c`: the earlier turns of the conversation a run belongs to, rebuilt
// from the store, and the link the new run records. Loads the store only when asked to continue.

export interface Continuation {
  readonly history: ReadonlyArray<Turn>;
  readonly conversation: ConversationLink;
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

/** `id`: a run id or unique prefix; `latest`: the newest run of any consortium. */
export const resolveContinuation = (target: { readonly id: string } | "latest", dbPath: string | undefined) =>
  Effect.gen(function* () {
    const { resolveDbPath, Store } = yield* storeModule;
    return yield* Effect.gen(function* () {
      const store = yield* Store;
      let id: string;
      if (target === "latest") {
        const [latest] = yield* store.listRuns({ limit: 1 });
        if (latest === undefined) return yield* new UsageError({ message: "--continue: no earlier run to continue" });
        id = latest.id;
      } else id = target.id;
      const run = yield* store.getRun(id);
      const { turnsOf } = yield* Effect.promise(() => import("@consortium/engine"));
      const history = turnsOf(
        chainTo(run.conversation, run.id).map((turn) => ({ prompt: turn.prompt, answer: turn.synthesis }))
      );
      return { history, conversation: { id: run.conversationId, parentRunId: run.id } } satisfies Continuation;
    }).pipe(Effect.provide(Store.layer(resolveDbPath({ flag: dbPath }))));
  });
