// Money in binary floating point picks up noise as it is multiplied and summed: 2 × 0.001917 is
// 0.0038339999999999997, 71 tokens at $1.20 a million is 8.520000000000001e-05. Every cost is
// rounded here, where it is computed or summed, to a ten-billionth of a dollar: far below any price's
// precision, and the noise never reaches JSON, the store or a report.

const STEPS_PER_USD = 1e10;

/** `usd` rounded to a ten-billionth of a dollar. */
export const roundUsd = (usd: number): number => Math.round(usd * STEPS_PER_USD) / STEPS_PER_USD;

/** The sum of amounts in USD, rounded as `roundUsd` does. */
export const addUsd = (a: number, b: number): number => roundUsd(a + b);
