import { fileURLToPath } from "node:url";
import { loadSuiteFile, type SuiteConfig } from "@consortium/config";
import { Effect } from "effect";
import type { EvalReport } from "../src/report/types.js";

export const repoPath = (relative: string): string => fileURLToPath(new URL(`../../../${relative}`, import.meta.url));

export const loadSuite = (path: string): Effect.Effect<SuiteConfig> =>
  loadSuiteFile(path).pipe(
    Effect.orDieWith(
      (error) => new Error(error.issues.map((issue) => `${issue.file}:${issue.line}: ${issue.message}`).join("\n"))
    )
  );

/** What must not differ between a recording and its replay: everything but timings and ids. */
export const comparable = (report: EvalReport) =>
  report.cases.map((suiteCase) => ({
    id: suiteCase.id,
    results: suiteCase.results.map((result) => ({
      target: result.target,
      pass: result.pass,
      output: result.output,
      confidence: result.confidence,
      usage: result.usage,
      judgeUsage: result.judgeUsage,
      status: result.status,
      error: result.error,
      assertions: result.assertions.map((assertion) =>
        assertion.type.endsWith("max-latency-ms") ? { type: assertion.type, pass: assertion.pass } : assertion
      )
    }))
  }));
