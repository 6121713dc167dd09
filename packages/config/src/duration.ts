import * as Either from "effect/Either";

const UNITS_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 } as const;
const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/;

/** The pattern the schema publishes for duration strings; kept beside the parser that honours it. */
export const DURATION_PATTERN = "^\\d+(\\.\\d+)?(ms|s|m|h)?$";

/**
 * Milliseconds from `"500ms"`, `"30s"`, `"2m"`, `"1h"`, or a number of seconds (`30`, `"30"`, `0.5`).
 * Left: a message saying what is accepted.
 */
export const parseDuration = (input: string | number): Either.Either<number, string> => {
  if (typeof input === "number") {
    return Number.isFinite(input) && input >= 0
      ? Either.right(Math.round(input * 1000))
      : Either.left("must be a number of seconds >= 0, or a string like 500ms, 30s, 2m");
  }
  const match = DURATION.exec(input);
  if (match === null) {
    return Either.left(`"${input}" is not a duration: write a number of seconds, or 500ms, 30s, 2m, 1h`);
  }
  const amount = Number(match[1]);
  const unit = (match[2] ?? "s") as keyof typeof UNITS_MS;
  return Either.right(Math.round(amount * UNITS_MS[unit]));
};

/**
 * A duration as a configuration file would spell it, in the largest unit that keeps it whole: `15m`,
 * `90s`, `1500ms`. Messages that echo a limit use it, so the user recognises the setting.
 */
export const formatDurationSetting = (ms: number): string =>
  ms % 60_000 === 0 && ms > 0 ? `${ms / 60_000}m` : ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
