import { Effect } from "effect";
import { askArbiter } from "../arbiterRound.js";
import { liveSynthesisReader } from "../liveSynthesis.js";
import { parseArbiterOutput } from "../parseArbiter.js";
import { arbiterPrompt } from "../prompts.js";
import { iterationSeed } from "../shuffle.js";
import type { JudgingMethod } from "./JudgingMethod.js";
import { issueLine, roundHistory } from "./roundInput.js";

// `synthesis`, the default: the arbiter reads every answer (anonymised and shuffled) with the earlier
// rounds' syntheses and writes one answer of its own with a confidence.

export const synthesis: JudgingMethod = (context, { iteration, labelled: answers }) =>
  Effect.gen(function* () {
    const { config } = context;
    const shuffleSeed = iterationSeed(context.seed, iteration);
    const history = yield* roundHistory(context);
    const content = arbiterPrompt(context.templates, {
      prompt: context.prompt,
      system: config.system,
      iteration,
      answers,
      history
    });
    // What the members wrote: text the arbiter quotes from it is never read as its verdict.
    const quoted = answers.map((answer) => answer.text);
    const round = yield* askArbiter(
      context,
      iteration,
      content,
      (text) => parseArbiterOutput(text, { quoted }),
      (parsed) => parsed.synthesis,
      liveSynthesisReader(quoted)
    );
    if (round._tag === "AllFailed") return round;
    const { read: parsed, call, failures } = round;
    return {
      _tag: "Judged",
      verdict: {
        synthesis: parsed.synthesis,
        answers,
        parseIssues: issueLine(iteration, call.model, parsed.issues),
        record: { arbiter: call, arbiterFailures: failures, shuffleSeed }
      }
    } as const;
  });
