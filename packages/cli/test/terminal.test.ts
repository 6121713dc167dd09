import { safeStyledText, safeText } from "@consortium/engine/text";
import type * as Console from "effect/Console";
import * as Effect from "effect/Effect";
import { describe, expect, it } from "vitest";
import { consoleFor } from "../src/terminal.js";

// A model's answer is untrusted: printed to a terminal, also through a pipe or a file, its escape
// sequences would be obeyed (retitle the window, write the clipboard, move the cursor over earlier
// output, hide text).

const HOSTILE =
  "Canberra.\u001b]52;c;ZXZpbA==\u0007\u001b[2J\u001b]0;pwned\u0007\r\nnext\tline\u009b31m\u001b[8mhidden\u001b[0m";
const NEUTRAL =
  "Canberra.\uFFFD]52;c;ZXZpbA==\uFFFD\uFFFD[2J\uFFFD]0;pwned\uFFFD\nnext\tline\uFFFD31m\uFFFD[8mhidden\uFFFD[0m";

describe("text for a terminal", () => {
  it("model text keeps new lines and tabs; every other control character, colours too, is made inert", () => {
    expect(safeText(HOSTILE)).toBe(NEUTRAL);
  });

  it("a line of ours keeps its colours; the rest is made inert the same way", () => {
    expect(safeStyledText(`\u001b[1mbold\u001b[0m ${safeText(HOSTILE)}`)).toBe(`\u001b[1mbold\u001b[0m ${NEUTRAL}`);
    expect(safeStyledText("a\u001b]0;x\u0007b")).toBe("a\uFFFD]0;x\uFFFDb");
  });

  const printed = (streams: Parameters<typeof consoleFor>[1], line: string) => {
    const lines: Array<string> = [];
    const write = (...args: ReadonlyArray<unknown>) => Effect.sync(() => lines.push(args.join(" ")));
    const base = { log: write, error: write };
    const console = consoleFor(base as unknown as Console.Console, streams);
    Effect.runSync(Effect.zipRight(console.log(line), console.error(line)));
    return lines;
  };

  it("nothing a terminal obeys reaches stdout or stderr, terminal or pipe, with colours or without", () => {
    for (const colors of [true, false]) {
      for (const line of printed({ stdoutColors: colors, stderrColors: colors }, HOSTILE)) {
        for (const control of ["\u0007", "\u001b]", "\u001b[2J", "\r", "\u009b"]) expect(line).not.toContain(control);
        expect(line).toContain("Canberra.");
      }
    }
  });

  it("our own colours stay on a terminal and go for a pipe", () => {
    const styled = "\u001b[31mBELOW THRESHOLD\u001b[0m";
    expect(printed({ stdoutColors: true, stderrColors: true }, styled)).toEqual([styled, styled]);
    expect(printed({ stdoutColors: false, stderrColors: false }, styled)).toEqual([
      "BELOW THRESHOLD",
      "BELOW THRESHOLD"
    ]);
  });
});
