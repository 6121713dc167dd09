import type { JudgingMethod } from "./JudgingMethod.js";
import { synthesis } from "./synthesis.js";

// Every judging method by name: a new method is its own file in this folder and one line here.

export const JUDGING_METHODS = {
  synthesis
} as const satisfies Record<string, JudgingMethod>;

export type JudgingName = keyof typeof JUDGING_METHODS;

export const judgingMethod = (name: JudgingName = "synthesis"): JudgingMethod => JUDGING_METHODS[name];
