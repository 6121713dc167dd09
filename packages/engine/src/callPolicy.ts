import type { Limits, ProviderConfig } from "@consortium/config";
import {
  attemptTimedOut,
  isRetryable,
  type LlmClient,
  type LlmError,
  type LlmRequest,
  type LlmResponse,
  maxCostOf,
  type OnText
} from "@consortium/providers";
import { Cause, Duration, Effect, Exit, FiberRef, Option, Schedule } from "effect";
import { type Budget, budgetReachedMessage, DEFAULT_RESERVED_OUTPUT_TOKENS, promptTokenBound } from "./budget.js";
import { type CallSite, currentCallSite } from "./callSite.js";
import { priceFor, withCost, ZERO_USAGE } from "./cost.js";
import type { Gates } from "./gates.js";
import type { CallErrorInfo, Usage } from "./result.js";

// How one model call is made: permits, a timeout per attempt, retries, attempt and latency counts.
// The LlmClient makes exactly one attempt; everything about persistence lives here, in one place.

/** First retry waits about this long; each later one twice as long... */
export const RETRY_BASE = Duration.seconds(1);
/** ...but never longer than this (unless the server's Retry-After asks for more). */
export const RETRY_CAP = Duration.seconds(30);

/**
 * A server asking for a longer wait than this is not retried: the call fails now and the run goes on
 * without that member (down to the quorum) instead of stalling until run_timeout.
 */
export const RETRY_AFTER_LIMIT = Duration.minutes(2);

/** How long a failed attempt says to wait before the next one: Retry-After / retry-after-ms, if sent. */
export const retryAfter = (error: LlmError): Duration.Duration =>
  (error._tag === "RateLimited" || error._tag === "ServerError") && error.retryAfterMs !== undefined
    ? Duration.millis(Math.max(0, error.retryAfterMs))
    : Duration.zero;

/**
 * THE retry policy. Exponential from RETRY_BASE, jittered (±20%, so a burst of 429s does not come
 * back in lock step), capped at RETRY_CAP, at most `retries` retries, only for retryable failures
 * (429, 5xx, attempt timeouts, broken connections; never 400/401/403/404), and never sooner than the
 * server's Retry-After (a Retry-After beyond RETRY_AFTER_LIMIT ends the call instead). `onRetry` hears each wait before it starts (progress display).
 */
export const retryPolicy = (
  retries: number,
  onRetry: (error: LlmError, delay: Duration.Duration) => Effect.Effect<void> = () => Effect.void
): Schedule.Schedule<LlmError, LlmError> =>
  Schedule.exponential(RETRY_BASE).pipe(
    Schedule.jittered,
    Schedule.modifyDelay((_, delay) => Duration.min(delay, RETRY_CAP)),
    Schedule.intersect(Schedule.recurs(Math.max(0, retries))),
    Schedule.passthrough<unknown, LlmError, never>,
    Schedule.whileInput(
      (error: LlmError) => isRetryable(error) && Duration.lessThanOrEqualTo(retryAfter(error), RETRY_AFTER_LIMIT)
    ),
    Schedule.modifyDelayEffect((error, delay) => {
      // Whole milliseconds: jitter makes fractions nobody wants to read in "retrying in 2.3s".
      const wait = Duration.millis(Math.round(Duration.toMillis(Duration.max(delay, retryAfter(error)))));
      return Effect.as(onRetry(error, wait), wait);
    })
  );

/** A finished call, success or failure, as data. */
export interface CallOutcome {
  readonly text: string;
  readonly usage: Usage;
  readonly attempts: number;
  /** From the first attempt's start (permits acquired) to the end, retry waits included. */
  readonly latencyMs: number;
  readonly error: CallErrorInfo | null;
  readonly startedAtMs: number;
  readonly endedAtMs: number;
}

export interface CallHooks {
  /** Before each attempt, once its permits are held. */
  readonly onAttempt: (attempt: number) => Effect.Effect<void>;
  readonly onRetry: (attempt: number, error: CallErrorInfo, delayMs: number) => Effect.Effect<void>;
  /**
   * Exactly once, when the call ends: with its outcome, or with an `Interrupted` error when the run was
   * cut off mid-call. Runs uninterruptibly, so the run log gets every call that started.
   */
  readonly onEnd: (outcome: CallOutcome) => Effect.Effect<void>;
  /** Hears each attempt's answer text as it is written (the client then streams the call); rarely set. */
  readonly onText?: OnText;
}

export const errorInfo = (error: LlmError): CallErrorInfo => ({ type: error._tag, message: error.message });

/** The most a request can cost: its prompt uncached, its max_tokens (or the default cap) all written. */
export const worstCaseUsd = (provider: ProviderConfig, request: LlmRequest): number => {
  const price = priceFor(provider, request.model);
  // No price, no guess: a budget never lets such a call start.
  return price === undefined
    ? Number.POSITIVE_INFINITY
    : maxCostOf(price, promptTokenBound(request), request.maxTokens ?? DEFAULT_RESERVED_OUTPUT_TOKENS);
};

/** A call that failed (no defect in the cause) is recorded with its error; a defect goes on as it is. */
const failedWith = <A>(
  cause: Cause.Cause<LlmError>,
  recordFailure: (error: LlmError) => Effect.Effect<A>
): Effect.Effect<A> => {
  const failure = Cause.isDie(cause) ? Option.none() : Cause.failureOption(cause);
  return Option.isSome(failure) ? recordFailure(failure.value) : Effect.failCause(Cause.stripFailures(cause));
};

const refusalOf = (budget: Budget | undefined) => budget?.refused ?? Effect.succeed(undefined);

/** An attempt the budget did not let start. */
const REFUSED = Symbol("refused by the budget");

/**
 * Calls `request` with the run's policy. Never fails: an error after the last retry is returned in
 * the outcome. An answer that is empty or only white space is a failure (`EmptyAnswer`), never a success.
 *
 * It runs once per model call (8,000 times in a benchmark suite), so it is written for the common
 * case: no span, plain variables instead of Refs (one fiber runs it), the retry schedule built only
 * after a first failure, the timeout left to a client that enforces it itself ("timed"), and for a
 * client answering from memory ("local", a cassette replay) no timeout, retry or permit at all.
 * `site` says which call of the run this is, for a client that records or replays calls (see
 * currentCallSite); it is set for the call only.
 */
export const callModel = (
  client: LlmClient["Type"],
  provider: ProviderConfig,
  request: LlmRequest,
  limits: Limits,
  gates: Gates,
  hooks: CallHooks,
  site?: CallSite
): Effect.Effect<CallOutcome> =>
  Effect.suspend(() => {
    let attempts = 0;
    let firstStart: number | undefined;
    const label = `${request.provider}/${request.model}`;
    const local = client.answers === "local";

    const price = priceFor(provider, request.model);
    const budget = gates.budget;
    const held = budget === undefined ? 0 : worstCaseUsd(provider, request);

    const complete: Effect.Effect<LlmResponse, LlmError> =
      local || client.answers === "timed"
        ? Effect.suspend(() => client.complete(provider, request, { timeoutMs: limits.timeoutMs }, hooks.onText))
        : Effect.suspend(() => client.complete(provider, request, undefined, hooks.onText)).pipe(
            Effect.timeoutFail({
              duration: Duration.millis(limits.timeoutMs),
              onTimeout: () => attemptTimedOut(request.provider, request.model, limits.timeoutMs)
            })
          );

    // The clock is read where it is needed, in the step that needs it: Clock.currentTimeMillis is
    // three Effect steps, clockWith one.
    const send = Effect.clockWith((clock) => {
      attempts += 1;
      firstStart ??= clock.unsafeCurrentTimeMillis();
      return Effect.zipRight(hooks.onAttempt(attempts), complete);
    });

    // Each attempt holds the most it can cost while it runs and then counts what it did cost; a failed
    // attempt counts nothing (providers do not bill a request they rejected or never answered).
    const guarded: Effect.Effect<LlmResponse | typeof REFUSED, LlmError> =
      budget === undefined
        ? send
        : Effect.flatMap(
            budget.reserve(held),
            (granted): Effect.Effect<LlmResponse | typeof REFUSED, LlmError> =>
              granted
                ? Effect.onExit(send, (exit) =>
                    budget.settle(held, Exit.isSuccess(exit) ? (withCost(exit.value.usage, price).costUsd ?? 0) : 0)
                  )
                : Effect.succeed(REFUSED)
          );
    const attempt = local ? guarded : gates.enter(provider.name)(guarded);

    // The schedule is built after a first failure only; the failed attempt is handed to it as the
    // first step, so waits, jitter and limits are exactly those of retrying `attempt` from the start.
    const retried = (first: LlmError): Effect.Effect<LlmResponse | typeof REFUSED, LlmError> => {
      let handedOver = false;
      const again = Effect.suspend(() => {
        if (handedOver) return attempt;
        handedOver = true;
        return Effect.fail(first);
      });
      const schedule = retryPolicy(limits.retries, (error, delay) =>
        hooks.onRetry(attempts, errorInfo(error), Duration.toMillis(delay))
      );
      return Effect.retry(again, schedule);
    };

    // Runs once, with the clock read at the end: always inside the call's uninterruptible region below.
    const finish = (result: { text: string; usage: Usage; error: CallErrorInfo | null }) =>
      Effect.clockWith((clock) => {
        const end = clock.unsafeCurrentTimeMillis();
        const start = firstStart ?? end;
        const outcome: CallOutcome = {
          ...result,
          attempts,
          latencyMs: end - start,
          startedAtMs: start,
          endedAtMs: end
        };
        return Effect.as(hooks.onEnd(outcome), outcome);
      });

    const ended = (response: LlmResponse | typeof REFUSED) =>
      response === REFUSED
        ? Effect.flatMap(Effect.all([budget?.spentUsd ?? Effect.succeed(0), refusalOf(budget)]), ([spent, refusal]) =>
            finish({
              text: "",
              usage: ZERO_USAGE,
              error: {
                type: "BudgetReached",
                message: budgetReachedMessage(
                  budget?.limitUsd ?? 0,
                  spent,
                  refusal === undefined ? undefined : { what: "call", refusal }
                )
              }
            })
          )
        : finish(
            response.text.trim().length === 0
              ? {
                  text: "",
                  usage: withCost(response.usage, price),
                  error: { type: "EmptyAnswer", message: `${label}: the model returned an empty answer` }
                }
              : { text: response.text, usage: withCost(response.usage, price), error: null }
          );

    const calling = local ? attempt : Effect.catchAll(attempt, retried);
    // One uninterruptible region for the whole call: only the call itself (attempts, waits) can be
    // interrupted, so every call that started is recorded exactly once, an interrupted one as such
    // (the interruption then goes on). The call site is set for the client inside it and put back
    // after. One region, not Effect.locally + onInterrupt + an uninterruptible finish: each of those
    // is a region of its own, several Effect steps per call on a path that runs for every model call.
    // A client that never reads the call site (the live one) is not handed one: setting a FiberRef
    // copies the fiber's map of them, and putting it back copies it again, for every call.
    const placed = site === undefined || client.ignoresCallSite === true ? undefined : site;
    const settle = (
      restore: <A, E, R>(effect: Effect.Effect<A, E, R>) => Effect.Effect<A, E, R>,
      putBack?: Effect.Effect<void>
    ) => {
      const after = <A>(next: Effect.Effect<A>): Effect.Effect<A> =>
        putBack === undefined ? next : Effect.zipRight(putBack, next);
      return Effect.matchCauseEffect(restore(calling), {
        onSuccess: (response) => after(ended(response)),
        onFailure: (cause) =>
          Cause.isInterruptedOnly(cause)
            ? after(
                Effect.zipRight(
                  finish({
                    text: "",
                    usage: ZERO_USAGE,
                    error: { type: "Interrupted", message: `${label}: cancelled before it answered (the run ended)` }
                  }),
                  Effect.failCause(Cause.stripFailures(cause))
                )
              )
            : after(failedWith(cause, (error) => finish({ text: "", usage: ZERO_USAGE, error: errorInfo(error) })))
      });
    };
    return Effect.uninterruptibleMask((restore) =>
      placed === undefined
        ? settle(restore)
        : Effect.flatMap(FiberRef.getAndSet(currentCallSite, placed), (outer) =>
            settle(restore, FiberRef.set(currentCallSite, outer))
          )
    );
  });
