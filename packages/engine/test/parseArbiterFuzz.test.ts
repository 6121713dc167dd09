import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseArbiterOutput } from "../src/parseArbiter.js";

// The arbiter's reply is model output: any bytes at all. Whatever arrives, the parser returns a
// verdict in range and never throws.

const TAGS = ["synthesis", "confidence", "analysis", "dissent", "needs_iteration", "refinement_areas"];

/** Random bytes decoded as a provider's SDK would, or tag soup built from the real tag names. */
const reply = fc.oneof(
  fc.uint8Array({ maxLength: 400 }).map((bytes) => Buffer.from(bytes).toString("utf8")),
  fc.string({ unit: "binary", maxLength: 300 }),
  fc
    .array(
      fc.oneof(
        fc
          .constantFrom(...TAGS)
          .chain((tag) => fc.constantFrom(`<${tag}>`, `</${tag}>`, `<${tag} a="1">`, `< /${tag}>`, `<${tag}/>`)),
        fc.constantFrom("0.9", "1.7", "85%", "NaN", "-1", "1e999", "true", "`", "<![CDATA[", "]]>", "\n"),
        fc.string({ unit: "grapheme", maxLength: 10 })
      ),
      { maxLength: 30 }
    )
    .map((parts) => parts.join(""))
);

describe("parseArbiterOutput on random input", () => {
  it("never throws; confidence stays in 0..1 and the text is a string", () => {
    fc.assert(
      fc.property(reply, fc.array(fc.string({ maxLength: 20 }), { maxLength: 3 }), (raw, quoted) => {
        const { synthesis, issues } = parseArbiterOutput(raw, { quoted });
        if (typeof synthesis.text !== "string") throw new Error("text is not a string");
        if (!(synthesis.confidence >= 0 && synthesis.confidence <= 1))
          throw new Error(`confidence ${synthesis.confidence}`);
        if (!Array.isArray(synthesis.refinementAreas) || !Array.isArray(issues)) throw new Error("not arrays");
        if (!synthesis.parsed && synthesis.confidence !== 0) throw new Error("unparsed with a confidence");
      }),
      { numRuns: 3000 }
    );
    expect(true).toBe(true);
  });
});
