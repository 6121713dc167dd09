import { BUILTIN_PRICES } from "@consortium/config";
import { type CostEstimate, formatUsd } from "@consortium/engine";
import type { SuiteEstimate } from "@consortium/eval";
import { formatTable } from "../table.js";

// How an estimate reads in a terminal: per model the calls and dollars at worst and typically, the
// totals, and the assumptions behind both.

const usd = (value: number | null): string => (value === null ? "no price" : formatUsd(value));

/** `rounds`: how many rounds each case assumes, as words ("3", "each consortium's max_iterations"). */
export const renderEstimate = (
  title: string,
  estimate: CostEstimate,
  rounds: { readonly worst: string; readonly typical: string }
): string => {
  const rows = estimate.models.map((model) => [
    model.model,
    `${model.calls.worst}`,
    `${model.calls.typical}`,
    usd(model.worstUsd),
    usd(model.typicalUsd)
  ]);
  const incomplete = estimate.unpricedModels.length > 0 ? " (without the unpriced models)" : "";
  const lines = [
    title,
    "",
    formatTable(
      ["model", "calls (worst)", "calls (typical)", "worst", "typical"],
      [...rows, ["total", "", "", `${formatUsd(estimate.worstUsd)}${incomplete}`, formatUsd(estimate.typicalUsd)]]
    ),
    "",
    `worst: ${rounds.worst} round(s) of consortia, every call writing its whole max_tokens (4096 where unset); the arbiter reads every answer and earlier synthesis`,
    `typical: ${rounds.typical} round(s) of consortia, every call writing a quarter of its max_tokens`,
    `built-in prices written down on ${BUILTIN_PRICES.writtenAt} without reading the providers' pages, some only placeholders (check them; override with providers.<name>.prices); no request was made`
  ];
  if (estimate.unpricedModels.length > 0) {
    lines.push(`no price for ${estimate.unpricedModels.join(", ")}: add them under providers.<name>.prices`);
  }
  return `${lines.join("\n")}\n`;
};

/** `eval --estimate`: each target's total, then every call of the eval per model. */
export const renderSuiteEstimate = (suite: string, estimate: SuiteEstimate): string => {
  const incomplete = (entry: CostEstimate) => (entry.unpricedModels.length > 0 ? " (without unpriced models)" : "");
  const targets = formatTable(
    ["target", "kind", "worst", "typical"],
    estimate.targets.map((target) => [
      target.target,
      target.kind,
      `${formatUsd(target.estimate.worstUsd)}${incomplete(target.estimate)}`,
      formatUsd(target.estimate.typicalUsd)
    ])
  );
  const body = renderEstimate(
    `estimate for suite ${suite}: ${estimate.cases} case(s) × ${estimate.targets.length} target(s), judges included`,
    estimate.total,
    { worst: "max_iterations", typical: "min_iterations" }
  );
  return `${targets}\n\n${body}`;
};
