// The built-in prompt templates. A consortium file may replace any of them (`prompts:`); the
// placeholders each may use are fixed by TEMPLATE_PLACEHOLDERS in @consortium/config.

/** What every member is asked in the first round. The system prompt travels as the system message. */
export const MEMBER_TEMPLATE = "{{prompt}}";

/** What members are asked from round 2 on: improve on the panel's previous combined answer. */
export const REFINE_TEMPLATE = `{{prompt}}

(Round {{iteration}}.) The question above was put to a panel, and their answers were merged into the draft below. A reviewer rated that draft {{confidence}} on a scale from 0 to 1.

<draft>
{{previous_synthesis}}
</draft>

What the reviewer wants improved:
{{refinement_areas}}

Where the panel disagreed:
{{dissent}}

Write your own complete answer to the question. Keep what the draft gets right, fix what it gets wrong, and address each point above. Answer the question directly; do not comment on the draft or on this process.`;

/** What the arbiter is asked each round. Its answer is read by parseArbiterOutput. */
export const ARBITER_TEMPLATE = `You judge the work of a panel of independent assistants who all answered the same question. Your task is to turn their answers into the single best answer, and to say how sure you are of it.

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

Work through these steps:
1. Read every answer and check its claims and reasoning.
2. List the distinct points the answers make.
3. Note where the answers agree and where they conflict; decide which side is right and why.
4. Write the best possible answer to the question. Address the user directly, as if you alone had been asked: never mention the panel, the answers, the rounds or this review.
5. State any disagreement that remains unresolved, or the views you rejected and why.
6. Rate your confidence that your answer is correct and complete, from 0 (a guess) to 1 (certain).
7. Decide whether another round would improve the answer (true) or not (false).
8. Name what a further round should improve. Always give at least one point, even when you are confident.

Reply with these tags and nothing outside them:
<analysis>your notes from steps 1 to 3</analysis>
<synthesis>your answer to the question</synthesis>
<dissent>remaining disagreement, or "none"</dissent>
<confidence>a number between 0 and 1, e.g. 0.75</confidence>
<needs_iteration>true or false</needs_iteration>
<refinement_areas>
<area>one point to improve</area>
<area>another point to improve</area>
</refinement_areas>`;

export interface ResolvedTemplates {
  readonly member: string;
  readonly refine: string;
  readonly arbiter: string;
}

/** The file's overrides where given, else the built-ins. */
export const resolveTemplates = (overrides: {
  readonly member: string | undefined;
  readonly refine: string | undefined;
  readonly arbiter: string | undefined;
}): ResolvedTemplates => ({
  member: overrides.member ?? MEMBER_TEMPLATE,
  refine: overrides.refine ?? REFINE_TEMPLATE,
  arbiter: overrides.arbiter ?? ARBITER_TEMPLATE
});
