import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { liveSynthesisReader } from "../src/liveSynthesis.js";
import { parseArbiterOutput } from "../src/parseArbiter.js";

// The synthesis read from a reply still being written is only ever the start of what the parser
// reads from the whole reply, at every point the reply can be cut, so pieces sent as it grows join
// to exactly the parsed synthesis; a `<synthesis>` the arbiter quotes never goes out.

/** What a stream of `raw` cut anywhere sends: each prefix's live text extends the last one sent. */
const streamed = (raw: string, quoted: ReadonlyArray<string> = []) => {
  const live = liveSynthesisReader(quoted);
  const final = parseArbiterOutput(raw, { quoted }).synthesis.text;
  let sent = "";
  const seen: Array<string> = [];
  for (let length = 0; length <= raw.length; length++) {
    const text = live(raw.slice(0, length));
    seen.push(text);
    if (!final.startsWith(text))
      throw new Error(`live ${JSON.stringify(text)} is not a start of ${JSON.stringify(final)}`);
    if (!text.startsWith(sent)) throw new Error(`live ${JSON.stringify(text)} shrank from ${JSON.stringify(sent)}`);
    sent = text;
  }
  return { sent, final, seen };
};

const tag = (name: string) =>
  fc.constantFrom(
    `<${name}>`,
    `<${name.toUpperCase()}>`,
    `< ${name} >`,
    `<${name} lang="en">`,
    `<${name.replace("_", "-")}>`
  );
const close = (name: string) =>
  fc.constantFrom(`</${name}>`, `</ ${name}>`, `</${name.toUpperCase()}>`, `</${name.replace("_", "-")}>`);
const words = fc.stringMatching(/^[a-zA-Z .,'!?\n\t-]{0,30}$/);
/** Synthesis content: words, white space at the ends, CDATA, inline code (with a tag in it), stray `<`. */
const content = fc
  .array(
    fc.oneof(
      words,
      fc.constantFrom(
        "  ",
        "\n",
        " a < b ",
        "x > y",
        "<![CDATA[ 1 < 2 & </synthesis> ]]>",
        "`</synthesis>`",
        "`code`",
        "``",
        "don't"
      )
    ),
    { maxLength: 6 }
  )
  .map((parts) => parts.join(""));
/** An analysis that may quote a synthesis (plain, in inline code or in CDATA). */
const analysis = fc
  .tuple(
    words,
    fc.constantFrom("", "<synthesis>quoted draft</synthesis>", "`<synthesis>`", "<![CDATA[<synthesis>x</synthesis>]]>"),
    words
  )
  .map(([a, quote, b]) => `<analysis>${a}${quote}${b}</analysis>`);

const reply = fc
  .record({
    before: fc.oneof(fc.constant(""), analysis, words),
    open: tag("synthesis"),
    body: content,
    close: fc.oneof(close("synthesis"), fc.constant("")),
    after: fc.constantFrom(
      "",
      "\n<confidence>0.9</confidence><needs_iteration>false</needs_iteration>",
      "<dissent>none</dissent>\n<confidence>0.4</confidence>",
      "trailing words"
    )
  })
  .map((r) => `${r.before}\n${r.open}${r.body}${r.close}${r.after}`);

const TAGS = ["synthesis", "confidence", "analysis", "dissent", "needs_iteration", "refinement_areas"];
/** Tag soup from the real tag names, as the parser's fuzz test makes it. */
const soup = fc
  .array(
    fc.oneof(
      fc
        .constantFrom(...TAGS)
        .chain((tag) => fc.constantFrom(`<${tag}>`, `</${tag}>`, `<${tag} a="1">`, `< /${tag}>`, `<${tag}/>`)),
      fc.constantFrom("0.9", "true", "`", "<![CDATA[", "]]>", "\n", " ", "<", ">"),
      fc.string({ unit: "grapheme", maxLength: 8 })
    ),
    { maxLength: 30 }
  )
  .map((parts) => parts.join(""));

describe("liveSynthesisReader", () => {
  it("on tag soup with one <synthesis> tag at most, still sends only a start of the parsed synthesis", () => {
    fc.assert(
      fc.property(soup, fc.array(fc.string({ maxLength: 12 }), { maxLength: 2 }), (raw, quoted) => {
        if ((raw.match(/<\s*synthesis/gi) ?? []).length > 1) return;
        streamed(raw, quoted);
      }),
      { numRuns: 3000 }
    );
  });

  it("holds a <synthesis> behind a backtick whose closing one lies past a tag not yet closed", () => {
    // Cut at the unclosed `<`, the span's closing backtick is gone and the tag looked real.
    for (const raw of ["`<synthesis>!<`", "`<synthesis>a<`\n", "`<synthesis>a<`\nmore `x` <", "x\n`<synthesis>a<` b"]) {
      expect(streamed(raw).sent).toBe("");
    }
  });

  it("at every cut of a reply, sends only a start of the parsed synthesis, growing, and joins to it", () => {
    fc.assert(
      fc.property(reply, (raw) => {
        const { sent, final } = streamed(raw);
        // What is left when the reply ends is sent then; it is all of the synthesis.
        expect(final.startsWith(sent)).toBe(true);
      }),
      { numRuns: 400 }
    );
  });

  it("streams a plain synthesis before its closing tag arrives", () => {
    const raw =
      "<analysis>ok</analysis>\n<synthesis>\n  Canberra is the capital.\n</synthesis>\n<confidence>0.9</confidence>";
    const { seen, final } = streamed(raw);
    expect(final).toBe("Canberra is the capital.");
    const closing = raw.indexOf("</synthesis>");
    expect(seen[closing]).toBe("Canberra is the capital.");
    expect(seen[raw.indexOf("capital")]).toBe("Canberra is the");
  });

  it("reads tags split anywhere, in any case and spacing, with CDATA unwrapped", () => {
    const raw = "< SYNTHESIS lang='en' >  <![CDATA[a <b> & c]]> done  </ Synthesis >";
    const { seen, final } = streamed(raw);
    expect(final).toBe("a <b> & c done");
    expect(seen[raw.indexOf("</")]).toBe(final);
  });

  it("never sends a <synthesis> quoted inside the analysis, even before the analysis closes", () => {
    const raw =
      "<analysis>Answer B wrote <synthesis>Sydney is the capital</synthesis> which is wrong.</analysis>\n" +
      "<synthesis>Canberra.</synthesis><confidence>0.9</confidence>";
    const { seen, final } = streamed(raw);
    expect(final).toBe("Canberra.");
    expect(seen.some((text) => text.includes("Sydney"))).toBe(false);
  });

  it("never sends a top-level <synthesis> that reproduces an answer (a quotation, as the parser reads it)", () => {
    const answer = "I think <synthesis>Sydney</synthesis> is right";
    const raw = `Answer 1 said: <synthesis>Sydney</synthesis>\n<synthesis>Canberra.</synthesis>`;
    const { seen, final } = streamed(raw, [answer]);
    expect(final).toBe("Canberra.");
    expect(seen.some((text) => text.includes("Sydney"))).toBe(false);
  });

  it("holds a synthesis that holds other tags until the reply says where it ends", () => {
    const raw = "<synthesis>Paris<confidence>0.9</synthesis></confidence>";
    const { sent, final } = streamed(raw);
    expect(final).toBe("Paris");
    expect(sent).toBe("Paris");
  });

  it("sends nothing for an empty synthesis, whose reply the parser reads from outside the tags", () => {
    const { sent, final } = streamed("Just the answer.<synthesis>  </synthesis>");
    expect(sent).toBe("");
    expect(final).toBe("Just the answer.");
  });
});
