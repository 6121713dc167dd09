import { renderTemplate } from "./render.js";
import { seededShuffle } from "./shuffle.js";
import type { ResolvedTemplates } from "./templates.js";

// The texts sent to members and to the arbiter, built from the templates. Pure: the same inputs
// always give the same prompt, so a stored run's prompts can be rebuilt and compared.

/**
 * The tags that give the prompts their structure (the blocks answers and drafts sit in) and the tags
 * of the arbiter's verdict. Untrusted text (an answer, a synthesis carried into the next round) has
 * their `<` written as `&lt;`, so it can neither close its own block and speak as the prompt, nor
 * hand the arbiter ready-made verdict tags; a model still reads the text as written.
 */
const STRUCTURE_TAGS =
  "answers|responses?|question|panel_instructions|earlier_rounds|round|draft|synthesis|confidence|analysis|dissent|needs[_-]iteration|refinement[_-]areas|area|ranking|rank";

/**
 * The neutraliser for another prompt's tags (`tags` is a regex alternation of tag names), for prompts
 * outside the engine that put untrusted text between tags of their own (an eval judge's).
 */
export const tagNeutraliser = (tags: string): ((text: string) => string) => {
  const pattern = new RegExp(`<(\\s*\\/?\\s*)(${tags})(?=[\\s/>]|$)`, "gi");
  // A text without a `<` has nothing to neutralise, and most answers have none.
  return (text) => (text.includes("<") ? text.replace(pattern, "&lt;$1$2") : text);
};

export const neutraliseTags = tagNeutraliser(STRUCTURE_TAGS);

const orNone = (text: string | undefined, none: string): string =>
  text === undefined || text.trim().length === 0 ? none : text;

export const memberPrompt = (
  templates: ResolvedTemplates,
  input: { readonly prompt: string; readonly system: string | undefined }
): string => renderTemplate(templates.member, { prompt: input.prompt, system: input.system ?? "" });

/** What the arbiter said last round, as the refine template needs it. */
export interface PreviousRound {
  readonly text: string;
  readonly confidence: number;
  readonly dissent: string;
  readonly refinementAreas: ReadonlyArray<string>;
}

export const formatAreas = (areas: ReadonlyArray<string>): string =>
  areas.length === 0 ? "(none named)" : areas.map((area) => `- ${neutraliseTags(area)}`).join("\n");

export const formatConfidence = (confidence: number): string => String(Math.round(confidence * 100) / 100);

export const refinePrompt = (
  templates: ResolvedTemplates,
  input: { readonly prompt: string; readonly iteration: number; readonly previous: PreviousRound }
): string =>
  renderTemplate(templates.refine, {
    prompt: input.prompt,
    iteration: String(input.iteration),
    previous_synthesis: neutraliseTags(input.previous.text),
    refinement_areas: formatAreas(input.previous.refinementAreas),
    dissent: neutraliseTags(orNone(input.previous.dissent, "(none noted)")),
    confidence: formatConfidence(input.previous.confidence)
  });

export interface Answer {
  /** `provider/model` */
  readonly member: string;
  readonly instance: number;
  readonly text: string;
}

export interface LabelledAnswer extends Answer {
  /** How the arbiter sees this answer: "Response 2", or `openai/gpt-4.1-mini #2` when not anonymised. */
  readonly label: string;
}

/**
 * The order and labels the arbiter sees. Anonymised: the answers are shuffled with `seed` and numbered,
 * so neither a model's name nor its position in the file can sway the arbiter. Otherwise: file order,
 * labelled by model and instance.
 */
export const labelAnswers = (
  answers: ReadonlyArray<Answer>,
  options: { readonly anonymize: boolean; readonly seed: number }
): Array<LabelledAnswer> =>
  options.anonymize
    ? seededShuffle(answers, options.seed).map((answer, i) => ({ ...answer, label: `Response ${i + 1}` }))
    : answers.map((answer) => ({ ...answer, label: `${answer.member} #${answer.instance}` }));

/** Every answer in its own delimited block (which the answer cannot close), joined with real blank lines. */
export const formatResponses = (answers: ReadonlyArray<LabelledAnswer>): string =>
  answers
    .map((answer) => `<response label="${answer.label}">\n${neutraliseTags(answer.text.trim())}\n</response>`)
    .join("\n\n");

export interface HistoryEntry {
  readonly index: number;
  readonly text: string;
  readonly confidence: number;
  readonly refinementAreas: ReadonlyArray<string>;
}

/** The earlier rounds' syntheses, oldest first, so the arbiter can see how the answer moved. */
export const formatHistory = (history: ReadonlyArray<HistoryEntry>): string =>
  history.length === 0
    ? "(none: this is the first round)"
    : history
        .map(
          (round) =>
            `<round number="${round.index}" confidence="${formatConfidence(round.confidence)}">\n${neutraliseTags(round.text.trim())}\n` +
            `Areas named for improvement:\n${formatAreas(round.refinementAreas)}\n</round>`
        )
        .join("\n\n");

export const arbiterPrompt = (
  templates: ResolvedTemplates,
  input: {
    readonly prompt: string;
    readonly system: string | undefined;
    readonly iteration: number;
    readonly answers: ReadonlyArray<LabelledAnswer>;
    readonly history: ReadonlyArray<HistoryEntry>;
  }
): string =>
  renderTemplate(templates.arbiter, {
    prompt: input.prompt,
    system: orNone(input.system, "(none given)"),
    iteration: String(input.iteration),
    responses: formatResponses(input.answers),
    history: formatHistory(input.history)
  });
