import {
  DEFAULT_ANONYMIZE,
  DEFAULT_JUDGING,
  DEFAULT_KEEP_AT_LEAST,
  DEFAULT_LAYERS,
  DEFAULT_MAX_ITERATIONS,
  DEFAULT_MIN_ITERATIONS,
  DEFAULT_THRESHOLD,
  JUDGING_METHOD_NAMES,
  TEMPLATE_PLACEHOLDERS
} from "../defaults.js";
import { anyOf, array, boolean, describe, type Infer, integer, literals, object, string, unless } from "./builder.js";
import { countedModelRef, fileName, fraction, limits, modelParams, modelRef, providers, schemaKey } from "./shared.js";

// The consortium file (members, arbiter, iteration bounds, prompts, providers, limits): the single source of the published schema and of RawConsortium.

const member = object(
  "A member in long form, with its own sampling parameters.",
  {
    model: describe(modelRef, "The model, as <provider>/<model>[:<count>]."),
    count: integer("Instances of this model answering each round.", { minimum: 1, default: 1 }),
    ...modelParams
  },
  ["model"]
);

const nestedMember = object(
  "A whole consortium answering as one member: each instance is a run of that consortium, and its synthesis is the answer.",
  {
    consortium: string(
      "The consortium: a file relative to this one (inner.yaml, ./panels/fast.yaml) or a name, which is a " +
        "sibling file <name>.yaml, else consortia/<name>.yaml under the working directory.",
      { minLength: 1, examples: ["fast-panel", "./panels/fast.yaml"] }
    ),
    count: integer("Runs of that consortium answering each round.", { minimum: 1, default: 1 })
  },
  ["consortium"]
);

const arbiter = object(
  "The arbiter in long form, with parameters and fallbacks.",
  {
    model: describe(modelRef, "The arbiter model, as <provider>/<model>."),
    temperature: modelParams.temperature,
    max_tokens: modelParams.max_tokens,
    top_p: modelParams.top_p,
    system: modelParams.system,
    fallbacks: array("Models tried in order when the arbiter still fails after its retries.", modelRef)
  },
  ["model"]
);

const template = (description: string, placeholders: ReadonlyArray<string>) =>
  string(`${description} Placeholders: ${placeholders.map((name) => `{{${name}}}`).join(", ")}.`);

export const consortiumFile = unless(
  object(
    "A consortium: member models answer in parallel, an arbiter synthesises their answers with a confidence, " +
      "and the members refine until the arbiter is confident.",
    {
      $schema: schemaKey,
      name: fileName("consortium"),
      description: string("What this consortium is for."),
      members: array(
        "The models that answer, each as <provider>/<model>[:<count>] or in long form, or a whole consortium. The same model listed twice adds up.",
        anyOf("A member: <provider>/<model>[:<count>], the long form, or {consortium: <file or name>}.", [
          countedModelRef,
          member,
          nestedMember
        ]),
        { minItems: 1 }
      ),
      arbiter: anyOf(
        "The model that reads every answer and writes the synthesis: <provider>/<model> or the long form. " +
          "Required except under judging: vote, where it only breaks ties.",
        [describe(modelRef, "The arbiter model, as <provider>/<model>."), arbiter]
      ),
      confidence_threshold: fraction("Stop once the arbiter's confidence reaches this.", DEFAULT_THRESHOLD),
      min_iterations: integer("Fewest rounds, even when the arbiter is confident early.", {
        minimum: 1,
        default: DEFAULT_MIN_ITERATIONS
      }),
      max_iterations: integer("Most rounds; must be at least min_iterations.", {
        minimum: 1,
        default: DEFAULT_MAX_ITERATIONS
      }),
      system: string("System prompt for the members (a member's own system prompt replaces it)."),
      anonymize: boolean('Show the arbiter "Response 1..N" in shuffled order instead of model names.', {
        default: DEFAULT_ANONYMIZE
      }),
      prompts: object("Replacements for the built-in prompt templates; {{name}} placeholders are filled in.", {
        member: template("What each member gets in the first round.", TEMPLATE_PLACEHOLDERS.member),
        refine: template("What each member gets from the second round on.", TEMPLATE_PLACEHOLDERS.refine),
        arbiter: template(
          "What the arbiter gets each round (under peer-review it may also use {{ranking}}, the peers' aggregate ranking).",
          TEMPLATE_PLACEHOLDERS.arbiter
        ),
        review: template("What each reviewer gets under judging: peer-review.", TEMPLATE_PLACEHOLDERS.review),
        layer: template(
          "What each member gets from layer 2 on (layers > 1): the previous layer's answers to improve on.",
          TEMPLATE_PLACEHOLDERS.layer
        )
      }),
      strategy: object("What happens between rounds.", {
        eliminate: integer(
          "Drop this many of the lowest-ranked member instances before the next round (needs judging select or peer-review).",
          { minimum: 1 }
        ),
        keep_at_least: integer("Never eliminate below this many member instances.", {
          minimum: 1,
          default: DEFAULT_KEEP_AT_LEAST
        }),
        roles: array(
          "Roles given to the member instances in file order (cycled), appended to each one's system prompt.",
          string("A role, e.g. skeptic.", { minLength: 1 }),
          { minItems: 1 }
        )
      }),
      layers: integer(
        "Mixture-of-Agents: members answer this many times per round, each layer seeing the previous layer's answers; the judge sees the last.",
        { minimum: 1, default: DEFAULT_LAYERS }
      ),
      judging: literals(
        "How a round is judged. synthesis: the arbiter writes one answer from all. select: the arbiter ranks the " +
          "answers and the best one is returned verbatim. peer-review: every answering member ranks the answers, " +
          "a Borda count combines the rankings, then the arbiter synthesises with the ranking in view. vote: the " +
          "most frequent answer wins, its share is the confidence; the arbiter only breaks ties.",
        JUDGING_METHOD_NAMES,
        { default: DEFAULT_JUDGING }
      ),
      vote: object("Settings of judging: vote.", {
        extract: string(
          "A /regex/flags: the first capture group (else the whole match) of each answer is its vote. " +
            "Default: the whole answer, trimmed, case-folded, trailing punctuation dropped.",
          { pattern: "^/.+/[dgimsuy]*$", patternErrorMessage: "must be a /regex/flags literal, e.g. /answer: (\\w+)/i" }
        )
      }),
      providers,
      limits
    },
    ["name", "members"],
    { title: "consortium" }
  ),
  // only vote can decide without a model judging: its ties then go to the first answer in member order
  { properties: { judging: { const: "vote" } }, required: ["judging"] },
  { properties: { arbiter: true }, required: ["arbiter"] }
);

/** A consortium file as written, once the schema accepted it. */
export type RawConsortium = Infer<typeof consortiumFile>;
export type RawMember = RawConsortium["members"][number];
