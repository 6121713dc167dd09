import { existsSync } from "node:fs";
import { readFile, rename, writeFile } from "node:fs/promises";
import { messageOf } from "@consortium/config/messageOf";
import { type CallSite, currentCallSite } from "@consortium/engine";
import { LlmClient, RequestRejected } from "@consortium/providers";
import { Cause, Effect, Either, Exit, Layer, Option, Ref } from "effect";
import { type CallScope, currentCallScope } from "../callScope.js";
import { CassetteUnreadable } from "../errors.js";
import {
  type CassetteEntry,
  fingerprint,
  lookupId,
  parseCassette,
  scopeId,
  serializeCassette,
  siteId,
  summarize
} from "./format.js";
import { RecordedRequests } from "./recordedRequests.js";
import { Tickets } from "./tickets.js";

const readEntries = (path: string, missingIsEmpty: boolean) =>
  Effect.tryPromise({
    try: () => readFile(path, "utf8"),
    catch: (error) => error as NodeJS.ErrnoException
  }).pipe(
    Effect.catchAll((error) =>
      missingIsEmpty && error.code === "ENOENT"
        ? Effect.succeed("")
        : Effect.fail(
            new CassetteUnreadable({
              path,
              message: error.code === "ENOENT" ? "no such cassette (record one with --record)" : error.message
            })
          )
    ),
    Effect.flatMap((text) => Either.match(parseCassette(path, text), { onLeft: Effect.fail, onRight: Effect.succeed }))
  );

const temporaryFor = (path: string): string => `${path}.${process.pid}.tmp`;

// Written to a temporary file then renamed, so an interrupted write never leaves half a cassette.
const writeEntries = (path: string, entries: ReadonlyArray<CassetteEntry>) =>
  Effect.tryPromise({
    try: async () => {
      const temporary = temporaryFor(path);
      await writeFile(temporary, serializeCassette(entries), "utf8");
      await rename(temporary, path);
    },
    catch: (error) =>
      new CassetteUnreadable({
        path,
        message: `cannot write: ${messageOf(error)}`
      })
  });

/**
 * The final write must not turn paid answers into a stack trace: it logs what failed and where the
 * answers are (the temporary file is kept, never removed, when it was written).
 */
const writeRecordingOrWarn = (path: string, entries: ReadonlyArray<CassetteEntry>) =>
  writeEntries(path, entries).pipe(
    Effect.catchAll((error) => {
      const temporary = temporaryFor(path);
      const kept = existsSync(temporary)
        ? `; the recorded answers are kept in ${temporary} (rename it to ${path} to use them)`
        : "";
      return Effect.logError(`cassette ${path} was not saved: ${error.message}${kept}`);
    })
  );

interface CurrentScope {
  readonly scope: CallScope | undefined;
  readonly caseId: string | null;
  readonly target: string | null;
  readonly call: CallSite | undefined;
}

// Read in one step from the fiber (both refs at once), since every replayed call asks.
const currentScope = Effect.withFiberRuntime<CurrentScope>((fiber) => {
  const scope = fiber.getFiberRef(currentCallScope);
  return Effect.succeed({
    scope,
    caseId: scope?.caseId ?? null,
    target: scope?.target ?? null,
    call: fiber.getFiberRef(currentCallSite)
  });
});

/**
 * Wraps the live LlmClient (provided below it) and records every successful call. When the layer is
 * released the cassette is written sorted, and calls that ended in a failure (a replay will miss them)
 * are named in a warning; entries of cases × targets this session did not touch are
 * kept, so `--record --filter x` re-records case x without losing the others. Delete the file to
 * start from scratch.
 */
const record = (path: string): Layer.Layer<LlmClient, CassetteUnreadable, LlmClient> =>
  Layer.scoped(
    LlmClient,
    Effect.gen(function* () {
      const live = yield* LlmClient;
      const previous = yield* readEntries(path, true);
      // Rewriting the old entries now proves the path is writable before any paid call is made.
      yield* writeEntries(path, previous);
      const recorded = new Map<string, CassetteEntry>();
      const touchedScopes = new Set<string>();
      const tickets = new Tickets();

      // Failed calls by the ticket they handed back; a later success under that ticket (the retry)
      // clears it, so what is left at release ended in a failure and has no answer to replay.
      const unanswered = new Map<string, UnansweredCall>();

      yield* Effect.addFinalizer(() => {
        const kept = previous.filter((entry) => !touchedScopes.has(scopeId(entry.case, entry.target)));
        return Effect.zipRight(
          writeRecordingOrWarn(path, [...kept, ...recorded.values()]),
          unanswered.size === 0 ? Effect.void : Effect.logWarning(unansweredWarning(path, [...unanswered.values()]))
        );
      });

      return {
        // A recording is live: it bounds attempts the way the client under it does.
        ...(live.answers === "timed" ? { answers: "timed" as const } : {}),
        // Untraced, like every per-call step: a span per call is measurable over thousands of calls.
        complete: Effect.fnUntraced(function* (provider, request, attempt) {
          const { caseId, target, call } = yield* currentScope;
          const scope = scopeId(caseId, target);
          const key = fingerprint(provider.name, request);
          const slot = `${scope}${key}${siteId(call)}`;
          touchedScopes.add(scope);
          const occurrence = tickets.take(slot);
          const ticketId = lookupId({ case: caseId, target, key, occurrence, call });
          const response = yield* live.complete(provider, request, attempt).pipe(
            Effect.onExit((exit) =>
              Effect.sync(() => {
                if (Exit.isSuccess(exit)) {
                  unanswered.delete(ticketId);
                  return;
                }
                tickets.giveBack(slot, occurrence);
                // An interrupted call was abandoned by the run, not failed by the provider.
                const failure = Cause.failureOption(exit.cause);
                if (Option.isSome(failure)) {
                  const model = `${provider.name}/${request.model}`;
                  unanswered.set(ticketId, { caseId, target, model, error: failure.value._tag });
                }
              })
            )
          );
          const entry: CassetteEntry = {
            case: caseId,
            target,
            key,
            occurrence,
            ...(call === undefined ? {} : { call }),
            provider: provider.name,
            model: request.model,
            request: summarize(request),
            response
          };
          recorded.set(lookupId(entry), entry);
          return response;
        })
      };
    })
  );

interface UnansweredCall {
  readonly caseId: string | null;
  readonly target: string | null;
  /** provider/model */
  readonly model: string;
  readonly error: string;
}

/** Counted per case, target and model, sorted, so the warning reads the same whatever the timing. */
const unansweredWarning = (path: string, calls: ReadonlyArray<UnansweredCall>): string => {
  const counts = new Map<string, { count: number; errors: Set<string> }>();
  for (const call of calls) {
    const where = [
      call.caseId === null ? undefined : `case ${JSON.stringify(call.caseId)}`,
      call.target === null ? undefined : `target ${call.target}`,
      call.model
    ]
      .filter((part) => part !== undefined)
      .join(", ");
    const count = counts.get(where) ?? { count: 0, errors: new Set<string>() };
    count.count += 1;
    count.errors.add(call.error);
    counts.set(where, count);
  }
  const lines = [...counts.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([where, { count, errors }]) => `${where}: ${count} call(s) (${[...errors].sort().join(", ")})`);
  return (
    `cassette ${path}: ${calls.length} call(s) ended in a failure and have no recorded answer, so replaying ` +
    `this cassette will miss them (exit 2); re-record when the provider is healthy: ${lines.join("; ")}`
  );
};

/**
 * Answers every call from the cassette: no network, no key. A call the cassette lacks fails with a
 * non-retryable error naming the case, target and model, and is reported to the runner's scope so the
 * case fails even when the engine carries on without that member.
 */
const replay = (path: string): Layer.Layer<LlmClient, CassetteUnreadable> =>
  Layer.effect(
    LlmClient,
    Effect.gen(function* () {
      const entries = yield* readEntries(path, false);
      // One index by case, target and call serves both the request keys and the answers.
      const recordedRequests = new RecordedRequests(entries);
      const tickets = new Tickets();

      return {
        // From memory: the engine skips timeouts, retries and permits, which cannot change the answer.
        answers: "local",
        complete: Effect.fnUntraced(function* (provider, request) {
          const { scope, caseId, target, call } = yield* currentScope;
          const scopeSlot = scopeId(caseId, target);
          const key =
            recordedRequests.keyOf(scopeSlot, call, provider.name, request) ?? fingerprint(provider.name, request);
          const slot = `${scopeSlot}${key}`;
          if (call !== undefined) {
            const site = siteId(call);
            const named = recordedRequests.entryAt(scopeSlot, site, key, tickets.take(`${slot}${site}`));
            if (named !== undefined) return named.response;
          }
          // a cassette recorded before calls were named: identical requests in their start order
          const entry = recordedRequests.entryAt(scopeSlot, "", key, tickets.take(slot));
          if (entry !== undefined) return entry.response;

          const message = missMessage({ entries, caseId, target, provider: provider.name, model: request.model, key });
          if (scope !== undefined) yield* Ref.update(scope.replayMisses, (misses) => [...misses, message]);
          // RequestRejected is never retried: asking the cassette again cannot change its answer.
          return yield* new RequestRejected({ provider: provider.name, model: request.model, status: 404, message });
        })
      };
    })
  );

const missMessage = (input: {
  readonly entries: ReadonlyArray<CassetteEntry>;
  readonly caseId: string | null;
  readonly target: string | null;
  readonly provider: string;
  readonly model: string;
  readonly key: string;
}): string => {
  const where = [
    input.caseId === null ? undefined : `case ${JSON.stringify(input.caseId)}`,
    input.target === null ? undefined : `target ${input.target}`,
    `${input.provider}/${input.model}`
  ]
    .filter((part) => part !== undefined)
    .join(", ");
  const sameScope = input.entries.filter((entry) => entry.case === input.caseId && entry.target === input.target);
  const sameRequest = sameScope.filter((entry) => entry.key === input.key).length;
  const sameModel = sameScope.filter(
    (entry) => entry.provider === input.provider && entry.model === input.model && entry.key !== input.key
  ).length;
  const hint =
    sameRequest > 0
      ? ` (the cassette has ${sameRequest} answer(s) for this exact request, and this call asked for one more)`
      : sameModel > 0
        ? ` (the cassette has ${sameModel} other request(s) to this model here: the prompt, template or parameters changed)`
        : "";
  return `replay miss: ${where}: no recorded answer for this request${hint} (re-record with --record)`;
};

/** `--record` and `--replay` as LlmClient layers. */
export const Cassette = { record, replay } as const;
