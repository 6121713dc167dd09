import { formatDuration, type RunResult, safeText } from "@consortium/engine";

// What `run` puts on stdout: only the result. Text mode is the synthesis alone, so
// `consortium run research "…" > answer.md` gives a clean file; --raw adds every answer before it.

const rawTranscript = (result: RunResult): Array<string> =>
  result.iterations.flatMap((iteration) => [
    `=== iteration ${iteration.index} ===`,
    ...iteration.responses.flatMap((response) => [
      `--- ${response.member} #${response.instance} (${formatDuration(response.latencyMs)}, ` +
        `${response.usage.inputTokens}+${response.usage.outputTokens} tokens` +
        `${response.attempts > 1 ? `, ${response.attempts} attempts` : ""}) ---`,
      response.error === null ? response.text : `[failed: ${response.error.type}: ${response.error.message}]`,
      ""
    ]),
    ...(iteration.arbiter === null
      ? [`--- round unfinished: no synthesis ---`, ""]
      : [
          `--- arbiter ${iteration.arbiter.model} (confidence ${(iteration.synthesis?.confidence ?? 0).toFixed(2)}) ---`,
          iteration.arbiter.raw,
          ""
        ])
  ]);

/** The answer (or the transcript) as text to print: every model's words made inert for a terminal. */
export const formatResult = (result: RunResult, options: { readonly raw: boolean }): string => {
  const text = result.synthesis?.text ?? "";
  return safeText(options.raw ? [...rawTranscript(result), "=== synthesis ===", text].join("\n") : text);
};
