import { appendFile } from "node:fs/promises";
import { Effect } from "effect";
import { renderMarkdown } from "./report/markdown.js";
import type { EvalReport } from "./report/types.js";

// The one place the eval package writes a report file itself: the CI job page. The renderers in
// report/ stay pure.

/** Appends the Markdown summary to the file GitHub Actions names in $GITHUB_STEP_SUMMARY; nothing when unset. */
export const appendStepSummary = (
  report: EvalReport,
  summaryPath: string | undefined = process.env.GITHUB_STEP_SUMMARY
) =>
  summaryPath === undefined || summaryPath === ""
    ? Effect.void
    : Effect.tryPromise(() => appendFile(summaryPath, `${renderMarkdown(report)}\n`, "utf8")).pipe(
        // A summary that cannot be written must not turn a passing eval into a failing one.
        Effect.catchAll((error) =>
          Effect.logWarning(`cannot append the summary to ${summaryPath}: ${String(error.cause)}`)
        ),
        Effect.withSpan("EvalReport.appendStepSummary")
      );
