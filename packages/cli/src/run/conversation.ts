import type { ConversationLink, Turn } from "@consortium/engine";
import type { RunNotFound } from "@consortium/store";
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
 * `id`: a run id or unique prefix; `latest`: the newest run of any consortium that the user started,
 * never an included consortium's run, which starts after the run the user made and answered only it.
 */
const lookUp = (target: { readonly id: string } | "latest", dbPath: string | undefined) =>
  Effect.gen(function* () {
    // the history is the run's parent chain, so continuing from an earlier turn branches
    const { chainTo, resolveDbPath, Store } = yield* storeModule;
    return yield* Effect.gen(function* () {
      const store = yield* Store;
      let id: string;
      if (target === "latest") {
        const [latest] = yield* store.listRuns({ limit: 1, topLevel: true });
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

const noSuchRun = (error: RunNotFound) => new UsageError({ message: `--continue: ${error.message}`, help: false });

export const resolveContinuation = (target: { readonly id: string } | "latest", dbPath: string | undefined) =>
  lookUp(target, dbPath).pipe(Effect.catchTag("RunNotFound", (error) => Effect.fail(noSuchRun(error))));

/**
 * `run <file> --continue <value>` with no prompt, as `llm -c "…"` users type it: a value that names no
 * run is the prompt, continuing the latest run. With a prompt (argument or piped) the value is an id, so
 * a mistyped one is an error naming the flag, never a silent new branch of another conversation.
 */
export const continueWithValue = (value: string, promptGiven: boolean, dbPath: string | undefined) =>
  lookUp({ id: value }, dbPath).pipe(
    Effect.map((continuation) => ({ continuation, prompt: undefined as string | undefined })),
    Effect.catchTag("RunNotFound", (error) =>
      promptGiven
        ? Effect.fail(noSuchRun(error))
        : Effect.map(resolveContinuation("latest", dbPath), (continuation) => ({ continuation, prompt: value }))
    )
  );
