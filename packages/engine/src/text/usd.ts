/**
 * Dollars: cents from a dollar up; below a dollar four decimals, where cents hide most of a run's cost.
 * An amount of whole cents (a limit as someone wrote it, `$0.50`) keeps two decimals unless `aligned`
 * is asked for: a column of measured costs keeps four, so its decimals line up.
 */
export const formatUsd = (usd: number, options: { readonly aligned?: boolean } = {}): string =>
  usd >= 1 || (options.aligned !== true && Math.abs(usd * 100 - Math.round(usd * 100)) < 1e-9)
    ? `$${usd.toFixed(2)}`
    : `$${usd.toFixed(4)}`;

/** A measured cost in a report column: `-` when unknown (a model without a price). */
export const formatCost = (usd: number | null): string => (usd === null ? "-" : formatUsd(usd, { aligned: true }));

/**
 * A cost some calls of which had no price: the priced part is a lower bound and says so (`≥$0.0046`),
 * rather than a `-` that hides what is known; nothing priced at all says that.
 */
export const formatCostBound = (usd: number | null, complete: boolean): string =>
  complete ? formatCost(usd) : usd === null ? "no price" : `≥${formatCost(usd)}`;
