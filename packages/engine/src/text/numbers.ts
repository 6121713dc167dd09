/** A confidence as the arbiter's scale reads it, two decimals; `-` where there is none. */
export const formatConfidence = (confidence: number | null): string =>
  confidence === null ? "-" : confidence.toFixed(2);

/** A token count with thousands separators, the same on every machine: `1,500`. */
export const formatCount = (n: number): string => Math.round(n).toLocaleString("en-US");
