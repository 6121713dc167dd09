import type { FakeRequest, Reply } from "@consortium/testkit";

// Scripted, deterministic answers for examples/eval/suite.yaml on the fake server: what the members,
// the arbiter and the judge would plausibly say. Depends on the request only (never on call order),
// so recording twice gives the same cassette.

interface Topic {
  readonly match: RegExp;
  /** Per model, so the members do not all say the same words. */
  readonly answers: Readonly<Record<string, string>> & { readonly default: string };
}

const TOPICS: ReadonlyArray<Topic> = [
  {
    match: /capital of Australia/i,
    answers: {
      default: "The capital of Australia is Canberra.",
      "gpt-5.4": "Canberra is the capital of Australia; Sydney is only its largest city.",
      "claude-sonnet-5": "Australia's capital is Canberra, chosen as a compromise between Sydney and Melbourne."
    }
  },
  {
    match: /17 multiplied by 23/i,
    answers: { default: "391" }
  },
  {
    match: /largest city in Japan/i,
    answers: {
      default: '{"city": "Tokyo", "population_millions": 14}',
      "claude-sonnet-5": '{"city": "Tokyo", "population_millions": 14.0}'
    }
  },
  {
    match: /seasons/i,
    answers: {
      default:
        "Earth has seasons because its axis is tilted about 23.4 degrees. As Earth orbits the Sun, each " +
        "hemisphere in turn leans toward the Sun and gets more direct sunlight and longer days; the " +
        "distance to the Sun is not the cause.",
      "gpt-5.1-mini":
        "Seasons happen because Earth's axis has a tilt of roughly 23.4 degrees, so sunlight strikes each " +
        "hemisphere more or less directly over the year."
    }
  }
];

const answerFor = (question: string, model: string): string => {
  const topic = TOPICS.find((candidate) => candidate.match.test(question));
  if (topic === undefined) return `I do not know how to answer: ${question.slice(0, 60)}`;
  return topic.answers[model] ?? topic.answers.default;
};

const lastMessage = (request: FakeRequest): string => request.messages.at(-1)?.content ?? "";

export const exampleReply = (request: FakeRequest): Reply => {
  const content = lastMessage(request);
  if (request.system?.includes("You grade answers against a rubric")) {
    return {
      text: "<reason>The answer attributes the seasons to the axial tilt and rejects the distance myth.</reason>\n<verdict>pass</verdict>"
    };
  }
  const question = /<question>\n([\s\S]*?)\n<\/question>/.exec(content)?.[1];
  if (question !== undefined) {
    // The arbiter: synthesise the consensus with high confidence.
    const answer = answerFor(question, "default");
    return {
      text: [
        "<analysis>The answers agree on the substance; wording differs only.</analysis>",
        `<synthesis>${answer}</synthesis>`,
        "<dissent>none</dissent>",
        "<confidence>0.92</confidence>",
        "<needs_iteration>false</needs_iteration>",
        "<refinement_areas>\n<area>Cite a source.</area>\n</refinement_areas>"
      ].join("\n")
    };
  }
  return { text: answerFor(content, request.model) };
};
