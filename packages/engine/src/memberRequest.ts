import type { ConsortiumConfig } from "@consortium/config";
import type { LlmRequest } from "@consortium/providers";
import { withHistory } from "./conversation.js";
import { LAYER_TEMPLATE } from "./judging/templates.js";
import { formatResponses, type LabelledAnswer, memberPrompt, type PreviousRound, refinePrompt } from "./prompts.js";
import { renderTemplate } from "./render.js";
import type { MemberInstance, RunContext } from "./runContext.js";

// What a member instance is asked: its system prompt (with its role) and the message of its turn.

/** From layer 2 on (Mixture-of-Agents), members improve on the previous layer's anonymised answers. */
export interface Layer {
  readonly index: number;
  readonly previous: ReadonlyArray<LabelledAnswer>;
}

/** `text` after what a system prompt already says (a blank one says nothing). */
const joinSystem = (base: string | undefined, text: string): string =>
  base === undefined || base.trim() === "" ? text : `${base}\n\n${text}`;

/** What a member instance is told of the role the strategy gives it. */
export const roleLine = (role: string): string => `In this panel, your role is: ${role}.`;

/** A system prompt with a role the strategy gives, after what it already says. */
export const withRole = (base: string | undefined, role: string | undefined): string | undefined =>
  role === undefined ? base : joinSystem(base, roleLine(role));

/**
 * `config` with `text` after its system prompt and after each member's own: an instruction for every
 * member of a consortium from outside it (a chat client's system message, the role an outer run gives).
 */
export const withSystemText = (config: ConsortiumConfig, text: string | undefined): ConsortiumConfig =>
  text === undefined
    ? config
    : {
        ...config,
        system: joinSystem(config.system, text),
        members: config.members.map((member) =>
          member.system === undefined ? member : { ...member, system: joinSystem(member.system, text) }
        )
      };

/** The system prompt with the instance's role, when the strategy gives roles. */
export const systemOf = (context: RunContext, instance: MemberInstance): string | undefined =>
  withRole(instance.config.system ?? context.config.system, instance.role);

/** The user message of a member's turn: the prompt, a refinement, or a layer's improve-on-these. */
export const memberContent = (
  context: RunContext,
  iteration: number,
  previous: PreviousRound | undefined,
  system: string | undefined,
  layer?: Layer
): string =>
  layer !== undefined && layer.index > 1
    ? renderTemplate(context.config.prompts.layer ?? LAYER_TEMPLATE, {
        prompt: context.prompt,
        responses: formatResponses(layer.previous),
        layer: String(layer.index)
      })
    : previous === undefined
      ? memberPrompt(context.templates, { prompt: context.prompt, system })
      : refinePrompt(context.templates, { prompt: context.prompt, iteration, previous });

export const memberRequest = (
  context: RunContext,
  instance: MemberInstance,
  iteration: number,
  previous: PreviousRound | undefined,
  layer?: Layer
): LlmRequest => {
  const { config: member } = instance;
  const system = systemOf(context, instance);
  const content = memberContent(context, iteration, previous, system, layer);
  return {
    provider: member.provider,
    model: member.model,
    temperature: member.temperature,
    maxTokens: member.maxTokens,
    topP: member.topP,
    system,
    messages: withHistory(context.history, content)
  };
};
