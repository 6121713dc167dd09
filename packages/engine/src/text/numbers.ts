/** A confidence as the arbiter's scale reads it, two decimals; `-` where there is none. */
export const formatConfidence = (confidence: number | null): string =>
  confidence === null ? "-" : confidence.toFixed(2);

/** A token count with thousands separators, the same on every machine: `1,500`. */
export const formatCount = (n: number): string => Math.round(n).toLocaleString("en-US");

/** A share as a percentage with one decimal: `66.7%`, `100.0%`. */
export const formatRate = (rate: number): string => `${(rate * 100).toFixed(1)}%`;
