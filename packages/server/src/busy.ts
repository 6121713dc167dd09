import { ApiError } from "./ApiError.js";

// The two answers of a server that cannot take a request now: come back later, or go elsewhere.

/** Every run slot is taken and the line for them is full (--max-runs, --max-queue). */
export const tooManyRuns = (retryAfterMs: number): ApiError =>
  new ApiError(429, "rate_limit_error", "every run slot is busy and the line for them is full: retry shortly", {
    code: "too_many_runs",
    headers: {
      "retry-after": String(Math.ceil(retryAfterMs / 1000)),
      "retry-after-ms": String(retryAfterMs)
    }
  });

export const shuttingDownError = (): ApiError =>
  new ApiError(503, "service_unavailable", "the server is shutting down", { headers: { connection: "close" } });
