import type { SuiteTarget } from "@consortium/config";
import { sha256Hex } from "../canonicalJson.js";

/** The name a target goes by in reports, logs and the cassette: the consortium's name, or the model's label. */
export const targetName = (target: SuiteTarget): string =>
  target.kind === "consortium" ? target.config.name : target.label;

export interface LabelledTarget {
  readonly label: string;
  readonly target: SuiteTarget;
}

/**
 * Labels must be unique (they key the report columns and the cassette). Two targets with one name (a
 * consortium file named like a model, the same model twice) get "#2", "#3" in suite order, which is
 * stable between a recording and its replay.
 */
export const labelTargets = (targets: ReadonlyArray<SuiteTarget>): ReadonlyArray<LabelledTarget> => {
  const seen = new Map<string, number>();
  return targets.map((target) => {
    const name = targetName(target);
    const count = (seen.get(name) ?? 0) + 1;
    seen.set(name, count);
    return { label: count === 1 ? name : `${name}#${count}`, target };
  });
};

/**
 * The consortium's seed for one case and target (it orders the anonymised answers the arbiter reads).
 * Derived, never random, so a replay builds byte-identical arbiter prompts and finds them in the cassette.
 */
export const seedFor = (caseId: string, target: string): number =>
  Number.parseInt(sha256Hex(JSON.stringify([caseId, target])).slice(0, 8), 16);
