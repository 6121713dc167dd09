import { type RunResult } from "@consortium/engine";
/** Two cheap members and a stronger arbiter, stopping at 85% confidence. */
export declare const quickConsortium: (
  env?: Record<string, string | undefined>
) => import("@consortium/engine").Consortium;
/** Asks the file-defined research consortium, printing each member's progress to stderr. */
export declare const askResearch: (prompt: string, file?: string) => Promise<RunResult>;
export declare const summarize: (result: RunResult) => string;
//# sourceMappingURL=ask.d.ts.map
