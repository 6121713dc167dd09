import type * as Console from "effect/Console";
import * as Effect from "effect/Effect";
import { describe, expect, it } from "vitest";
import { consoleFor, terminalSafe } from "../src/terminal.js";

// A model's answer is untrusted: printed to a terminal, its escape sequences would be obeyed (retitle
// the window, write the clipboard, move the cursor over earlier output). Pipes get the bytes as written.

const HOSTILE = "Canberra.\u001b]52;c;ZXZpbA==\u0007\u001b[2J\u001b]0;pwned\u0007\r\nnext\tline\u009b31m";

describe("text for a terminal", () => {
  it("keeps colours, new lines and tabs; replaces every other control character; drops carriage returns", () => {
    expect(terminalSafe(`\u001b[1mbold\u001b[0m ${HOSTILE}`)).toBe(
      "\u001b[1mbold\u001b[0m Canberra.\uFFFD]52;c;ZXZpbA==\uFFFD\uFFFD[2J\uFFFD]0;pwned\uFFFD\nnext\tline\uFFFD31m"
    );
  });

  const printed = (streams: Parameters<typeof consoleFor>[1]) => {
    const lines: Array<string> = [];
    const base = { log: (...args: ReadonlyArray<unknown>) => Effect.sync(() => lines.push(args.join(" "))) };
    Effect.runSync(consoleFor(base as unknown as Console.Console, streams).log(HOSTILE));
    return lines[0];
  };

  it("stdout on a terminal is made safe, with colours or without (NO_COLOR)", () => {
    for (const stdoutColors of [true, false]) {
      const line = printed({ stdoutColors, stderrColors: false, stdoutTerminal: true });
      for (const control of ["\u0007", "\u001b", "\r", "\u009b"]) expect(line).not.toContain(control);
      expect(line).toContain("Canberra.");
    }
  });

  it("stdout to a pipe or file keeps the answer's bytes", () => {
    expect(printed({ stdoutColors: false, stderrColors: false, stdoutTerminal: false })).toBe(HOSTILE);
  });
});
