import { Effect, Ref } from "effect";
import { formatUsd } from "./text/usd.js";

// A spending limit shared by every call it covers: one run (`limits.budget_usd`, `--max-cost`), or a
// whole eval (`budget_usd`, `eval --max-cost`). Before a call starts it reserves the most the call can
// cost; when the call ends the reservation is replaced by what it actually cost. A call whose
// reservation does not fit is never started.

export interface Budget {
  readonly limitUsd: number;
  /** Holds `usd` when spent + held + usd stays within the limit; false (and marked reached) otherwise. */
  readonly reserve: (usd: number) => Effect.Effect<boolean>;
  /** Ends a reservation: `heldUsd` is released and `spentUsd` counted. */
  readonly settle: (heldUsd: number, spentUsd: number) => Effect.Effect<void>;
  /** Whether `usd` more would still fit now, without holding it. */
  readonly fits: (usd: number) => Effect.Effect<boolean>;
  readonly spentUsd: Effect.Effect<number>;
  /** True once something was refused: what comes after should not start either. */
  readonly reached: Effect.Effect<boolean>;
  /** The last reservation refused, if any: what a message tells the user the limit lacked. */
  readonly refused: Effect.Effect<Refusal | undefined>;
}

/** A reservation the budget did not hold. */
export interface Refusal {
  /** The most the refused work could cost. */
  readonly usd: number;
  /** The limit that would have held it then: spent, plus what calls in flight held, plus `usd`. */
  readonly neededUsd: number;
}

interface Ledger {
  readonly spent: number;
  readonly held: number;
  readonly reached: boolean;
  readonly refused: Refusal | undefined;
}

/** Float sums of many small costs drift by ulps; a reservation equal to what is left still fits. */
const EPSILON = 1e-12;

export const makeBudget = (limitUsd: number): Effect.Effect<Budget> =>
  Effect.map(Ref.make<Ledger>({ spent: 0, held: 0, reached: false, refused: undefined }), (ledger) => ({
    limitUsd,
    reserve: (usd) =>
      Ref.modify(ledger, (state) =>
        state.spent + state.held + usd <= limitUsd + EPSILON
          ? [true, { ...state, held: state.held + usd }]
          : [false, { ...state, reached: true, refused: { usd, neededUsd: state.spent + state.held + usd } }]
      ),
    settle: (heldUsd, spentUsd) =>
      Ref.update(ledger, (state) => ({
        ...state,
        held: Math.max(0, state.held - heldUsd),
        spent: state.spent + spentUsd
      })),
    fits: (usd) => Effect.map(Ref.get(ledger), (state) => state.spent + state.held + usd <= limitUsd + EPSILON),
    spentUsd: Effect.map(Ref.get(ledger), (state) => state.spent),
    reached: Effect.map(Ref.get(ledger), (state) => state.reached),
    refused: Effect.map(Ref.get(ledger), (state) => state.refused)
  }));

/**
 * Several limits at once (a run's own inside an eval's): a reservation must fit every one. The
 * first of them names the budget in messages.
 */
export const allOf = (budgets: ReadonlyArray<Budget>): Budget | undefined => {
  if (budgets.length <= 1) return budgets[0];
  const [first] = budgets as [Budget, ...Array<Budget>];
  return {
    limitUsd: first.limitUsd,
    reserve: (usd) =>
      Effect.gen(function* () {
        const held: Array<Budget> = [];
        for (const budget of budgets) {
          if (!(yield* budget.reserve(usd))) {
            for (const done of held) yield* done.settle(usd, 0);
            return false;
          }
          held.push(budget);
        }
        return true;
      }),
    settle: (heldUsd, spentUsd) =>
      Effect.forEach(budgets, (budget) => budget.settle(heldUsd, spentUsd), { discard: true }),
    fits: (usd) =>
      Effect.map(
        Effect.forEach(budgets, (budget) => budget.fits(usd)),
        (all) => all.every(Boolean)
      ),
    spentUsd: first.spentUsd,
    reached: Effect.map(
      Effect.forEach(budgets, (budget) => budget.reached),
      (all) => all.some(Boolean)
    ),
    refused: Effect.map(
      Effect.forEach(budgets, (budget) => budget.refused),
      (all) => all.find((refusal) => refusal !== undefined)
    )
  };
};

/** An amount rounded up to what formatUsd shows, so "at least" never reads below what is needed. */
const upToShown = (usd: number): number =>
  usd >= 1 ? Math.ceil(usd * 100 - 1e-9) / 100 : Math.ceil(usd * 10_000 - 1e-9) / 10_000;

/**
 * `budget of $0.50 reached ($0.4712 spent; the next round could cost up to $0.1200, so it needs a
 * limit of at least $0.5912)`: with what was refused (`next`, a round or a call), it says by how much
 * to raise the limit; without, what was spent only.
 */
export const budgetReachedMessage = (
  limitUsd: number,
  spentUsd: number,
  next?: { readonly what: "round" | "call"; readonly refusal: Refusal }
): string => {
  const spent = `${formatUsd(limitUsd)} reached (${formatUsd(spentUsd)} spent`;
  if (next === undefined) return `budget of ${spent})`;
  const { usd, neededUsd } = next.refusal;
  if (!Number.isFinite(usd)) return `budget of ${spent}; the next ${next.what} has a model without a price)`;
  return (
    `budget of ${spent}; the next ${next.what} could cost up to ${formatUsd(usd)}, ` +
    `so it needs a limit of at least ${formatUsd(upToShown(neededUsd))})`
  );
};

/**
 * Output tokens a call without `max_tokens` is assumed to write at most, when reserving against a
 * budget: the limit the providers package sends to Anthropic when none is set. OpenAI-protocol models
 * without `max_tokens` have no such limit on the wire, so give them one to make a budget a hard cap.
 */
export const DEFAULT_RESERVED_OUTPUT_TOKENS = 4096;

const encoder = new TextEncoder();

/**
 * An upper estimate of a request's prompt tokens: one per three UTF-8 bytes (English text runs about
 * four characters a token) plus a few per message for the roles and separators.
 */
export const promptTokenBound = (request: {
  readonly system?: string | undefined;
  readonly messages: ReadonlyArray<{ readonly content: string }>;
}): number => {
  const bytes =
    encoder.encode(request.system ?? "").length +
    request.messages.reduce((sum, message) => sum + encoder.encode(message.content).length, 0);
  return Math.ceil(bytes / 3) + 8 * (request.messages.length + 1);
};

/** The same bound for one piece of text sent as a single message (a template, a case's prompt). */
export const textTokenBound = (text: string): number => promptTokenBound({ messages: [{ content: text }] });
