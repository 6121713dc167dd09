import type { LabelledAnswer } from "./prompts.js";
import type { MemberResponse } from "./result.js";

// A response carries the label its round judged it under, so the judge's analysis, ranking or failed
// request can be traced back to a model. null when it was not among the answers judged: its call
// failed or was blank, it is an earlier layer's answer, or the round ended before judging.

const keyOf = (answer: { readonly member: string; readonly instance: number }): string =>
  `${answer.member}#${answer.instance}`;

/** `responses` with the labels of `shown` (the judged layer's answers); null for the rest. */
export const labelResponses = (
  responses: ReadonlyArray<MemberResponse>,
  shown: ReadonlyArray<LabelledAnswer>,
  judgedLayer: number
): Array<MemberResponse> => {
  const labels = new Map(shown.map((answer) => [keyOf(answer), answer.label]));
  return responses.map((response) => ({
    ...response,
    label: (response.layer ?? judgedLayer) === judgedLayer ? (labels.get(keyOf(response)) ?? null) : null
  }));
};
