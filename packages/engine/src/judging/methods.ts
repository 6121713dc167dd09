import type { JudgingMethodName } from "@consortium/config";
import type { JudgingMethod } from "./JudgingMethod.js";
import { peerReview } from "./peerReview.js";
import { select } from "./select.js";
import { synthesis } from "./synthesis.js";
import { vote } from "./vote.js";

// Every judging method by name: a new method is its own file in this folder and one line here.

export const JUDGING_METHODS: Readonly<Record<JudgingMethodName, JudgingMethod>> = {
  synthesis,
  select,
  "peer-review": peerReview,
  vote
};

export type JudgingName = JudgingMethodName;

/** The method a config asks for; synthesis when it names none. */
export const judgingMethod = (name: JudgingMethodName = "synthesis"): JudgingMethod => JUDGING_METHODS[name];
