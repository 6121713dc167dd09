import { sql } from "kysely";

// What a run's finished calls cost, from their rows, as expressions over the `runs` row at hand: a
// run's own cost columns are written when it ends, so these give the cost of one still going (the
// read API's "so far") and of one the sweep ends for a writer that is gone.

/** The sum of the calls' costs: null, not 0, when no finished call was priced. */
export const callsCost = sql<number | null>`(select sum(cost_usd) from calls where run_id = runs.id)`;

/** Whether every finished call that used tokens was priced (else the sum is a lower bound). */
export const callsCostComplete = sql<boolean>`not exists (select 1 from calls where run_id = runs.id
  and cost_usd is null and (input_tokens > 0 or output_tokens > 0))`;
