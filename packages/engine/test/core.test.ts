import { TEMPLATE_PLACEHOLDERS } from "@consortium/config";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseArbiterOutput } from "../src/parseArbiter.js";
import {
  arbiterPrompt,
  formatHistory,
  formatResponses,
  labelAnswers,
  memberPrompt,
  refinePrompt
} from "../src/prompts.js";
import { renderTemplate } from "../src/render.js";
import { iterationSeed, seededShuffle } from "../src/shuffle.js";
import { decideStop } from "../src/stopRule.js";
import { ARBITER_TEMPLATE, MEMBER_TEMPLATE, REFINE_TEMPLATE, resolveTemplates } from "../src/templates.js";

const templates = resolveTemplates({ member: undefined, refine: undefined, arbiter: undefined });

const placeholdersIn = (template: string): Array<string> =>
  [...template.matchAll(/\{\{\s*([A-Za-z_]\w*)\s*\}\}/g)].map((m) => m[1]!);

describe("built-in templates", () => {
  it("use only the placeholders each template allows", () => {
    const allowed = (list: ReadonlyArray<string>) => new Set(list);
    for (const name of placeholdersIn(MEMBER_TEMPLATE))
      expect(allowed(TEMPLATE_PLACEHOLDERS.member).has(name)).toBe(true);
    for (const name of placeholdersIn(REFINE_TEMPLATE))
      expect(allowed(TEMPLATE_PLACEHOLDERS.refine).has(name)).toBe(true);
    for (const name of placeholdersIn(ARBITER_TEMPLATE))
      expect(allowed(TEMPLATE_PLACEHOLDERS.arbiter).has(name)).toBe(true);
  });

  it("the refine template carries every piece of the previous round", () => {
    expect(new Set(placeholdersIn(REFINE_TEMPLATE))).toEqual(new Set(TEMPLATE_PLACEHOLDERS.refine));
  });

  it("the arbiter template asks for every tag the parser reads", () => {
    for (const tag of [
      "synthesis",
      "confidence",
      "analysis",
      "dissent",
      "needs_iteration",
      "refinement_areas",
      "area"
    ]) {
      expect(ARBITER_TEMPLATE).toContain(`<${tag}>`);
    }
    expect(new Set(placeholdersIn(ARBITER_TEMPLATE))).toEqual(new Set(TEMPLATE_PLACEHOLDERS.arbiter));
  });

  it("a file's overrides replace the built-ins one by one", () => {
    const custom = resolveTemplates({ member: "Q: {{prompt}}", refine: undefined, arbiter: undefined });
    expect(custom.member).toBe("Q: {{prompt}}");
    expect(custom.refine).toBe(REFINE_TEMPLATE);
  });
});

describe("renderTemplate", () => {
  it("fills placeholders, with or without inner spaces", () => {
    expect(renderTemplate("{{a}} and {{ b }}", { a: "1", b: "2" })).toBe("1 and 2");
  });

  it("inserts values once: a value containing a placeholder stays literal", () => {
    expect(renderTemplate("{{a}}|{{b}}", { a: "{{b}}", b: "B" })).toBe("{{b}}|B");
  });

  it("leaves a placeholder without a value as written", () => {
    expect(renderTemplate("x {{unknown}} y", {})).toBe("x {{unknown}} y");
  });

  it("renders one template again and again with other values (it is cut once, then reused)", () => {
    const template = "Q: {{prompt}} / {{ system }} / {{missing}} {{prompt}}";
    expect(renderTemplate(template, { prompt: "one", system: "s1" })).toBe("Q: one / s1 / {{missing}} one");
    expect(renderTemplate(template, { prompt: "two", system: "" })).toBe("Q: two /  / {{missing}} two");
    expect(renderTemplate(template, { prompt: "3", system: "x", missing: "m" })).toBe("Q: 3 / x / m 3");
    expect(renderTemplate("no placeholders", { prompt: "p" })).toBe("no placeholders");
    expect(renderTemplate("", {})).toBe("");
  });

  it("does not treat replacement patterns in values specially", () => {
    expect(renderTemplate("{{a}}", { a: "$& $1 $$" })).toBe("$& $1 $$");
  });
});

describe("seededShuffle", () => {
  const items = Array.from({ length: 8 }, (_, i) => i);

  it("is a permutation", () => {
    fc.assert(
      fc.property(fc.array(fc.integer()), fc.integer(), (list, seed) => {
        expect([...seededShuffle(list, seed)].sort()).toEqual([...list].sort());
      })
    );
  });

  it("gives the same order for the same seed and different orders for different seeds", () => {
    expect(seededShuffle(items, 42)).toEqual(seededShuffle(items, 42));
    const orders = new Set(Array.from({ length: 20 }, (_, seed) => seededShuffle(items, seed).join(",")));
    expect(orders.size).toBeGreaterThan(15);
  });

  it("does not change its input", () => {
    const copy = [...items];
    seededShuffle(items, 7);
    expect(items).toEqual(copy);
  });

  it("puts each item first about equally often", () => {
    const firsts = new Array(4).fill(0);
    for (let seed = 0; seed < 4000; seed++) firsts[seededShuffle([0, 1, 2, 3], seed)[0]!]++;
    for (const count of firsts) expect(count).toBeGreaterThan(850);
  });

  it("derives distinct, stable seeds per round", () => {
    expect(iterationSeed(5, 1)).toBe(iterationSeed(5, 1));
    expect(iterationSeed(5, 1)).not.toBe(iterationSeed(5, 2));
    expect(iterationSeed(5, 1)).not.toBe(iterationSeed(6, 1));
  });
});

describe("decideStop", () => {
  const bounds = { confidenceThreshold: 0.8, minIterations: 1, maxIterations: 3 };

  it("stops when confident, not asked for more and past the minimum", () => {
    expect(decideStop({ iteration: 1, confidence: 0.8, needsIteration: false }, bounds)).toEqual({
      stop: true,
      reason: "confident"
    });
  });

  it("goes on when the confidence is below the threshold", () => {
    expect(decideStop({ iteration: 1, confidence: 0.79, needsIteration: false }, bounds)).toEqual({
      stop: false,
      reason: "low_confidence"
    });
  });

  it("goes on when the arbiter asks for another round, however confident", () => {
    expect(decideStop({ iteration: 2, confidence: 0.99, needsIteration: true }, bounds)).toEqual({
      stop: false,
      reason: "arbiter_asked"
    });
  });

  it("goes on until min_iterations whatever the confidence", () => {
    const min3 = { ...bounds, minIterations: 3, maxIterations: 5 };
    expect(decideStop({ iteration: 2, confidence: 1, needsIteration: false }, min3).stop).toBe(false);
    expect(decideStop({ iteration: 3, confidence: 1, needsIteration: false }, min3).stop).toBe(true);
  });

  it("stops at max_iterations whatever the arbiter said", () => {
    expect(decideStop({ iteration: 3, confidence: 0, needsIteration: true }, bounds)).toEqual({
      stop: true,
      reason: "max_iterations"
    });
  });

  it("matches the rule as a formula for every input", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 0, max: 5 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.boolean(),
        (iteration, min, extra, confidence, threshold, needsIteration) => {
          const b = { confidenceThreshold: threshold, minIterations: min, maxIterations: min + extra };
          const expected =
            iteration >= b.maxIterations || (iteration >= min && confidence >= threshold && !needsIteration);
          expect(decideStop({ iteration, confidence, needsIteration }, b).stop).toBe(expected);
        }
      )
    );
  });
});

describe("prompts", () => {
  const answers = [
    { member: "openai/gpt-4.1-mini", instance: 1, text: "Alpha" },
    { member: "openai/gpt-4.1-mini", instance: 2, text: "Beta" },
    { member: "anthropic/claude-sonnet-4-5", instance: 1, text: "Gamma" }
  ];

  it("the member prompt is the user's prompt by default", () => {
    expect(memberPrompt(templates, { prompt: "What is 2+2?", system: "Be brief." })).toBe("What is 2+2?");
  });

  it("the refine prompt carries the previous synthesis, areas, dissent, confidence and round", () => {
    const text = refinePrompt(templates, {
      prompt: "Capital of Australia?",
      iteration: 2,
      previous: {
        text: "Sydney, probably.",
        confidence: 0.4,
        dissent: "One answer said Canberra.",
        refinementAreas: ["check the capital", "cite a source"]
      }
    });
    expect(text).toContain("Capital of Australia?");
    expect(text).toContain("Sydney, probably.");
    expect(text).toContain("- check the capital\n- cite a source");
    expect(text).toContain("One answer said Canberra.");
    expect(text).toContain("0.4");
    expect(text).toContain("Round 2");
    expect(text).not.toMatch(/\{\{/);
  });

  it("anonymised: numbered Response 1..N in a seeded shuffled order, no model names", () => {
    const labelled = labelAnswers(answers, { anonymize: true, seed: 3 });
    expect(labelled.map((a) => a.label)).toEqual(["Response 1", "Response 2", "Response 3"]);
    expect(labelled.map((a) => a.text)).toEqual(seededShuffle(answers, 3).map((a) => a.text));
    const prompt = arbiterPrompt(templates, {
      prompt: "Q",
      system: undefined,
      iteration: 1,
      answers: labelled,
      history: []
    });
    expect(prompt).not.toContain("gpt-4.1-mini");
    expect(prompt).not.toContain("claude");
  });

  it("anonymised orders differ between seeds (so the arbiter cannot learn slots)", () => {
    const orders = new Set(
      Array.from({ length: 10 }, (_, seed) =>
        labelAnswers(answers, { anonymize: true, seed })
          .map((a) => a.text)
          .join()
      )
    );
    expect(orders.size).toBeGreaterThan(1);
  });

  it("not anonymised: file order, labelled by model and instance", () => {
    const labelled = labelAnswers(answers, { anonymize: false, seed: 3 });
    expect(labelled.map((a) => a.label)).toEqual([
      "openai/gpt-4.1-mini #1",
      "openai/gpt-4.1-mini #2",
      "anthropic/claude-sonnet-4-5 #1"
    ]);
  });

  it("answers are joined with real newlines, never a literal backslash-n", () => {
    const text = formatResponses(labelAnswers(answers, { anonymize: false, seed: 0 }));
    expect(text).not.toContain("\\n");
    expect(text.split("\n")).toContain("Alpha");
    expect(text).toContain("</response>\n\n<response");
  });

  it("the arbiter prompt has the question, the system prompt, every answer, the round and the history", () => {
    const prompt = arbiterPrompt(templates, {
      prompt: "Capital of Australia?",
      system: "Answer as a geographer.",
      iteration: 2,
      answers: labelAnswers(answers, { anonymize: true, seed: 1 }),
      history: [{ index: 1, text: "Sydney.", confidence: 0.3, refinementAreas: ["verify"] }]
    });
    for (const expected of [
      "Capital of Australia?",
      "Answer as a geographer.",
      "Alpha",
      "Beta",
      "Gamma",
      'round="2"',
      "Sydney."
    ]) {
      expect(prompt).toContain(expected);
    }
    expect(prompt).not.toMatch(/\{\{/);
  });

  it("history says so when there is none", () => {
    expect(formatHistory([])).toContain("first round");
  });
});

describe("parseArbiterOutput, properties", () => {
  it("never throws, and the confidence is always within 0..1", () => {
    const tagged = fc
      .tuple(
        fc.constantFrom("synthesis", "confidence", "needs_iteration", "analysis", "refinement_areas", "area", "x"),
        fc.string(),
        fc.boolean()
      )
      .map(([tag, body, closed]) => `<${tag}>${body}${closed ? `</${tag}>` : ""}`);
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.string(), tagged), { maxLength: 8 }), (parts) => {
        const parsed = parseArbiterOutput(parts.join(""));
        expect(parsed.synthesis.confidence).toBeGreaterThanOrEqual(0);
        expect(parsed.synthesis.confidence).toBeLessThanOrEqual(1);
        if (!parsed.synthesis.parsed) expect(parsed.synthesis.confidence).toBe(0);
      })
    );
  });

  it("reads back whatever synthesis and confidence were written", () => {
    const text = fc.string().filter((s) => s.trim().length > 0 && !/[<>`]/.test(s));
    fc.assert(
      fc.property(text, fc.integer({ min: 0, max: 100 }), (synthesis, percent) => {
        const parsed = parseArbiterOutput(
          `<synthesis>${synthesis}</synthesis><confidence>${percent / 100}</confidence><needs_iteration>false</needs_iteration>`
        );
        expect(parsed.synthesis.text).toBe(synthesis.trim());
        expect(parsed.synthesis.confidence).toBeCloseTo(percent / 100, 10);
      })
    );
  });
});
