import { ConfigError } from "@consortium/config";
import { MissingApiKey, UnknownProvider } from "@consortium/providers";
import * as HelpDoc from "@effect/cli/HelpDoc";
import * as ValidationError from "@effect/cli/ValidationError";
import { describe, expect, it } from "@effect/vitest";
import { Data } from "effect";
import { ExitCode } from "../src/exitCode.js";
import { InvalidFiles, RunFailed, SilentExit, UsageError } from "../src/failures.js";
import { renderDefect, renderFailure } from "../src/render.js";
import { formatTable } from "../src/table.js";
import { stripAnsi } from "../src/terminal.js";

const issue = { file: "a.yaml", line: 3, column: 5, path: "/name", message: "is required" };

describe("renderFailure: one rendering and one exit code per expected failure", () => {
  it("bad input exits 2", () => {
    expect(renderFailure(new ConfigError({ file: "a.yaml", issues: [issue] }))).toEqual({
      text: "a.yaml:3:5: /name is required",
      code: ExitCode.BadInput
    });
    const files = new InvalidFiles({
      errors: [
        new ConfigError({ file: "a.yaml", issues: [issue] }),
        new ConfigError({ file: "b.yaml", issues: [{ ...issue, file: "b.yaml" }] })
      ]
    });
    expect(renderFailure(files)).toEqual({
      text: "a.yaml:3:5: /name is required\nb.yaml:3:5: /name is required",
      code: 2
    });
    expect(renderFailure(new UsageError({ message: "no such consortium" })).code).toBe(2);
    expect(renderFailure(new MissingApiKey({ provider: "openai", variable: "OPENAI_API_KEY" }))).toEqual({
      text: "provider openai needs an API key: set the environment variable OPENAI_API_KEY",
      code: 2
    });
    expect(renderFailure(new UnknownProvider({ provider: "x", known: ["anthropic", "openai"] })).code).toBe(2);
  });

  it("@effect/cli's error is one line naming whose help to read", () => {
    const error = ValidationError.invalidValue(HelpDoc.p("'abc' is not a integer"));
    expect(renderFailure(error, "runs").text).toBe("'abc' is not an integer (`consortium runs --help` for usage)");
    expect(renderFailure(error).text).toBe("'abc' is not an integer (`consortium --help` for usage)");
  });

  it("a failure quoting a provider or a model carries no control character a terminal would obey", () => {
    const failed = renderFailure(
      new RunFailed({ message: "run r failed: no quorum: 400 bad\u001b[8mhidden\u001b]0;t\u0007" })
    );
    expect(failed.text).toBe("run r failed: no quorum: 400 bad\uFFFD[8mhidden\uFFFD]0;t\uFFFD");
    expect(failed.code).toBe(ExitCode.RunFailed);
  });

  it("@effect/cli's own validation errors exit 2 with a hint (it printed the message already)", () => {
    const error = ValidationError.missingValue({ _tag: "Empty" });
    expect(renderFailure(error)).toEqual({ text: expect.stringContaining("--help"), code: 2 });
  });

  it("a failed run exits 1; an unexpected error exits 1 in one line without a stack", () => {
    expect(renderFailure(new RunFailed({ message: "no quorum" }))).toEqual({ text: "no quorum", code: 1 });
    const unexpected = renderDefect(new Error("boom"));
    expect(unexpected.code).toBe(1);
    expect(unexpected.text).toMatch(/^internal error: boom/);
    expect(unexpected.text).not.toContain("\n");
    expect(renderFailure(new SilentExit({ code: 2 }))).toEqual({ text: undefined, code: 2 });
  });

  it("only declared failures have a rendering: a new error type does not compile until it gets one", () => {
    class Unlisted extends Data.TaggedError("Unlisted")<{ readonly message: string }> {}
    // @ts-expect-error Unlisted is not a CliFailure
    const rendered = () => renderFailure(new Unlisted({ message: "?" }));
    expect(rendered).toBeTypeOf("function");
  });

  it("a usage error that says all there is has no help line", () => {
    expect(renderFailure(new UsageError({ message: "no consortium", help: false }))).toEqual({
      text: "no consortium",
      code: 2
    });
  });
});

describe("terminal helpers", () => {
  it("formatTable aligns columns two spaces apart", () => {
    expect(formatTable(["A", "BB", "C"], [["xxx", "y", "z"]])).toBe("A    BB  C\nxxx  y   z");
  });

  it("stripAnsi removes styles", () => {
    expect(stripAnsi("\u001b[1mbold\u001b[0m plain")).toBe("bold plain");
  });
});
