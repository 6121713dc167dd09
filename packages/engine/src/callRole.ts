// Who a model call was made for. One vocabulary for the whole product: the run log, live events and
// the store all derive their role types (and the store its column) from this list, so a new judging
// method that adds a kind of call adds it here and nowhere else.

export const CALL_ROLES = ["member", "arbiter", "reviewer", "judge"] as const;

/** member: answers the prompt; arbiter: judges a round; reviewer: ranks its peers' answers; judge: grades an eval. */
export type CallRole = (typeof CALL_ROLES)[number];

export const isCallRole = (value: unknown): value is CallRole =>
  typeof value === "string" && (CALL_ROLES as ReadonlyArray<string>).includes(value);
