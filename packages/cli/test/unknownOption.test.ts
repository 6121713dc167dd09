import * as CliConfig from "@effect/cli/CliConfig";
import * as Command from "@effect/cli/Command";
import { describe, expect, it } from "vitest";
import { evaluate } from "../src/commands/eval.js";
import { run } from "../src/commands/run.js";
import { optionProblem } from "../src/unknownOption.js";

const runHelp = Command.getHelp(run, CliConfig.defaultConfig);
const evalHelp = Command.getHelp(evaluate, CliConfig.defaultConfig);

describe("optionProblem", () => {
  it("names an option the command does not have", () => {
    expect(optionProblem(["--bogus", "x"], runHelp)).toBe("unknown option --bogus");
    expect(optionProblem(["research", "hi", "--bogus=1"], runHelp)).toBe("unknown option --bogus");
    expect(optionProblem(["-z", "research"], runHelp)).toBe("unknown option -z");
    expect(optionProblem(["suite.yaml", "--bogus"], evalHelp)).toBe("unknown option --bogus");
  });

  it("passes the command's own options, their values (even one that starts with -) and negations", () => {
    expect(
      optionProblem(
        ["-m", "gpt-4.1", "--arbiter=gpt-4.1", "--system", "-be terse", "--no-stream", "-c", "--json", "x"],
        runHelp
      )
    ).toBeUndefined();
    expect(optionProblem(["suite.yaml", "-j4", "-j", "8", "--quiet"], evalHelp)).toBeUndefined();
  });

  it("leaves prompts alone: a negative number, a lone -, and everything after --", () => {
    expect(optionProblem(["research", "-5 degrees?"], runHelp)).toBeUndefined();
    expect(optionProblem(["research", "-"], runHelp)).toBeUndefined();
    expect(optionProblem(["research", "--", "--not-an-option"], runHelp)).toBeUndefined();
  });

  it("says when the last option lacks its value", () => {
    expect(optionProblem(["research", "--system"], runHelp)).toBe("--system needs a value");
    expect(optionProblem(["research", "hi", "-o"], runHelp)).toBe("-o needs a value");
  });
});
