import { Either } from "effect";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseCassette, serializeCassette } from "../src/cassette/format.js";
import { CassetteUnreadable } from "../src/errors.js";

// A cassette is a committed file anyone can edit: random bytes, or a real cassette with bytes
// flipped, give entries or one CassetteUnreadable naming a line; never a throw.

const entry = {
  case: "a",
  target: "t",
  key: "k".repeat(64),
  occurrence: 0,
  provider: "openai",
  model: "m",
  request: { messages: [{ role: "user" as const, content: "hi" }] },
  response: { text: "hello", usage: { inputTokens: 1, outputTokens: 2 } }
};
const REAL = serializeCassette([entry, { ...entry, occurrence: 1 }, { ...entry, case: "b" }]);

const flipped = fc
  .array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 6 })
  .map((flips) => {
    const bytes = Buffer.from(REAL, "utf8");
    for (const [at, value] of flips) bytes[at % bytes.length] = value;
    return bytes.toString("utf8");
  });

const text = fc.oneof(
  fc.uint8Array({ maxLength: 300 }).map((bytes) => Buffer.from(bytes).toString("utf8")),
  fc.string({ unit: "binary", maxLength: 200 }),
  flipped,
  fc.jsonValue({ maxDepth: 4 }).map((value) => `${JSON.stringify(value)}\n`)
);

describe("parseCassette on random input", () => {
  it("gives entries or one error naming the file and a line, never a throw", () => {
    fc.assert(
      fc.property(text, (input) => {
        const parsed = parseCassette("fuzz.jsonl", input);
        if (Either.isRight(parsed)) {
          for (const found of parsed.right) if (typeof found.response.text !== "string") throw new Error("bad entry");
          return;
        }
        if (!(parsed.left instanceof CassetteUnreadable)) throw new Error("not a CassetteUnreadable");
        if (parsed.left.path !== "fuzz.jsonl" || !/^line \d+ /.test(parsed.left.message)) {
          throw new Error(`unexpected error: ${parsed.left.message}`);
        }
      }),
      { numRuns: 3000 }
    );
    expect(Either.isRight(parseCassette("real.jsonl", REAL))).toBe(true);
  });
});
