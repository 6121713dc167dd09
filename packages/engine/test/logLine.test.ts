import { LogLevel } from "effect";
import { describe, expect, it } from "vitest";
import { logLine } from "../src/text/logLine.js";

describe("logLine", () => {
  it("names warnings and errors as the commands' own lines do, and leaves other levels bare", () => {
    expect(logLine(LogLevel.Warning, "run r1: could not save")).toBe("warning: run r1: could not save");
    expect(logLine(LogLevel.Error, "cassette not saved")).toBe("error: cassette not saved");
    expect(logLine(LogLevel.Fatal, "x")).toBe("error: x");
    expect(logLine(LogLevel.Info, ["a", "b"])).toBe("a b");
  });

  it("makes control characters in the message inert (a provider's error text is not ours)", () => {
    expect(logLine(LogLevel.Warning, "bad \u001b]0;pwned\u0007 \u001b[2J")).toBe(
      "warning: bad \uFFFD]0;pwned\uFFFD \uFFFD[2J"
    );
  });
});
