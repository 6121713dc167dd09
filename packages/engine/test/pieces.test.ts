import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { textPieces } from "../src/pieces.js";

// Streamed pieces must join back to the text exactly, or a streamed answer differs from the whole one.

describe("textPieces", () => {
  it("joins back to any text exactly, with no empty piece", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme" }), fc.integer({ min: 1, max: 6 }), (text, words) => {
        const pieces = textPieces(text, words);
        expect(pieces.join("")).toBe(text);
        expect(pieces.every((piece) => piece.length > 0)).toBe(true);
      })
    );
  });

  it("cuts before words, a few words a piece", () => {
    expect(textPieces("one two  three\nfour five", 2)).toEqual(["one two  ", "three\nfour ", "five"]);
  });
});
