import { ARBITER_TEMPLATE } from "../templates.js";

// The built-in prompts of the judging methods other than synthesis. A file's `prompts.arbiter`
// replaces the arbiter's under any method; `prompts.review` replaces the reviewers'.

/** `select`: the arbiter ranks the answers and rates its confidence in the best one. */
export const SELECT_TEMPLATE = `You judge the work of a panel of independent assistants who all answered the same question. Your task is to rank their answers from best to worst: the best answer will be given to the user exactly as written.

<question>
{{prompt}}
</question>

<panel_instructions>
{{system}}
</panel_instructions>

<earlier_rounds>
{{history}}
</earlier_rounds>

<answers round="{{iteration}}">
{{responses}}
</answers>

Check every answer's claims and reasoning, then rank all of them, best first, by correctness, completeness and clarity. Rate your confidence that the best answer is correct and complete, from 0 (a guess) to 1 (certain).

Reply with these tags and nothing outside them:
<analysis>your notes on the answers</analysis>
<ranking>
<rank>the label of the best answer, e.g. Response 2</rank>
<rank>the label of the next best answer</rank>
</ranking>
<confidence>a number between 0 and 1, e.g. 0.75</confidence>
<needs_iteration>true if another round would improve the best answer, else false</needs_iteration>
<refinement_areas>
<area>one point a further round should improve</area>
</refinement_areas>`;

/** `peer-review`: what each answering member gets to rank the round's answers (its own among them). */
export const REVIEW_TEMPLATE = `Several assistants answered the question below independently. Rank their answers from best to worst by correctness, completeness and clarity.

<question>
{{prompt}}
</question>

<answers>
{{responses}}
</answers>

Reply with the ranking only, every answer once, best first:
<ranking>
<rank>the label of the best answer, e.g. Response 2</rank>
<rank>the label of the next best answer</rank>
</ranking>`;

const PEER_RANKING = `The panel members also ranked each other's answers without knowing whose they were. Their rankings combined (Borda count, best first):

<peer_ranking>
{{ranking}}
</peer_ranking>

Weigh this ranking, but judge the answers on their merits.

`;

/** `peer-review`: the synthesis prompt with the peers' aggregate ranking in view. */
export const PEER_REVIEW_ARBITER_TEMPLATE = ARBITER_TEMPLATE.replace(
  "Work through these steps:",
  `${PEER_RANKING}Work through these steps:`
);

/** Layers (Mixture-of-Agents): what members get from layer 2 on. */
export const LAYER_TEMPLATE = `{{prompt}}

(Layer {{layer}}.) Several assistants answered the question above independently:

<answers>
{{responses}}
</answers>

Write your own complete answer to the question. Use what these answers get right, correct what they get wrong, and fill in what they miss. Answer the question directly; do not mention the other answers or this process.`;
