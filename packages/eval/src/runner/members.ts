import type { ProviderConfig, SuiteConfig, SuiteTarget } from "@consortium/config";
import type { LabelledTarget } from "./targets.js";

// `--vs-members`: every consortium target also runs as each of its distinct member models alone, with
// that member's parameters, and as its arbiter model alone (answering the prompt itself, with the
// consortium's system prompt and the arbiter's sampling parameters), on the same cases. A model already
// among the targets (a baseline with the same label) is not run twice. The models' providers join the
// suite's, so a model declared only in the consortium file can run alone.

export interface MemberGroup {
  readonly consortium: string;
  /** The single models the consortium is compared with: its distinct members, then its arbiter. */
  readonly members: ReadonlyArray<string>;
}

export const addMemberTargets = (
  suite: SuiteConfig,
  targets: ReadonlyArray<LabelledTarget>
): {
  readonly suite: SuiteConfig;
  readonly targets: ReadonlyArray<LabelledTarget>;
  readonly groups: ReadonlyArray<MemberGroup>;
} => {
  const all: Array<LabelledTarget> = [...targets];
  const labels = new Set(targets.map((target) => target.label));
  const providers: Record<string, ProviderConfig> = {};
  const groups: Array<MemberGroup> = [];
  for (const { label, target } of targets) {
    if (target.kind !== "consortium") continue;
    const { config } = target;
    const members: Array<string> = [];
    // the arbiter alone answers as a member would: its own system prompt is for judging answers
    const arbiter = config.arbiter === undefined ? [] : [{ ...config.arbiter, system: undefined }];
    for (const member of [...config.members, ...arbiter]) {
      // an included consortium is no single model to compare against
      if ("consortium" in member && member.consortium !== undefined) continue;
      const name = `${member.provider}/${member.model}`;
      if (members.includes(name)) continue;
      members.push(name);
      if (!Object.hasOwn(providers, member.provider) && Object.hasOwn(config.providers, member.provider)) {
        providers[member.provider] = config.providers[member.provider]!;
      }
      if (labels.has(name)) continue;
      labels.add(name);
      const alone: SuiteTarget = {
        kind: "model",
        label: name,
        ref: {
          provider: member.provider,
          model: member.model,
          ...(member.temperature === undefined ? {} : { temperature: member.temperature }),
          ...(member.maxTokens === undefined ? {} : { maxTokens: member.maxTokens }),
          ...(member.topP === undefined ? {} : { topP: member.topP }),
          ...((member.system ?? config.system) === undefined ? {} : { system: member.system ?? config.system })
        }
      };
      all.push({ label: name, target: alone });
    }
    groups.push({ consortium: label, members });
  }
  // the suite's own provider settings win over a consortium's for the same name
  return { suite: { ...suite, providers: { ...providers, ...suite.providers } }, targets: all, groups };
};
