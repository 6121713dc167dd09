import type { IncomingMessage, ServerResponse } from "node:http";
import type { ConsortiumConfig } from "@consortium/config";
import { describeEvent, textPieces } from "@consortium/engine";
import { ApiError } from "./ApiError.js";
import { shuttingDownError, tooManyRuns } from "./busy.js";
import type { Catalog } from "./catalog.js";
import { parseChatRequest, parseJsonBody } from "./chatRequest.js";
import { chatCompletion, chunk, completionId, consortiumInfo, usageOf } from "./completion.js";
import { readBody, sendError, sendJson } from "./http.js";
import type { Runner, RunOutcome } from "./Runner.js";
import type { RunSlots } from "./slots.js";

// POST /v1/chat/completions: one consortium run per request.
//
// Streaming sends the headers and progress comments (`: round 1`, `: openai/gpt-4.1-mini#1 done`)
// while the run goes, then the final synthesis as content chunks once the last round is decided. The
// arbiter's own output is not forwarded token by token: the model client answers whole completions,
// and the arbiter writes its synthesis before the confidence that decides whether the round is the
// last, so a streamed synthesis could turn out to be a draft. Chunks are a few words each.

export interface ChatContext {
  readonly catalog: Catalog;
  readonly runner: Runner;
  readonly maxBodyBytes: number;
  /** A run slot, at once or after waiting in line; or how long to wait when the slots and the line are full. */
  readonly admit: RunSlots["admit"];
  /** True once the server is draining: interrupted runs were cut by the shutdown, not by the client. */
  readonly stopping: () => boolean;
  readonly log: (line: string) => void;
}

const joinText = (a: string | undefined, b: string): string =>
  a === undefined || a.trim() === "" ? b : `${a}\n\n${b}`;

/** The client's system text goes after the consortium's (and each member's own) system prompt. */
const withSystem = (config: ConsortiumConfig, extra: string | undefined): ConsortiumConfig =>
  extra === undefined
    ? config
    : {
        ...config,
        system: joinText(config.system, extra),
        members: config.members.map((member) =>
          member.system === undefined ? member : { ...member, system: joinText(member.system, extra) }
        )
      };

const failedRun = (outcome: RunOutcome, stopping: boolean): ApiError | undefined => {
  switch (outcome._tag) {
    case "Finished": {
      const { result } = outcome;
      if (result.status === "completed" || result.status === "degraded") return undefined;
      const info = { consortium: consortiumInfo(result) };
      if (result.status === "interrupted") {
        return new ApiError(503, "service_unavailable", `run ${result.runId} was interrupted`, { extra: info });
      }
      return new ApiError(502, "server_error", `run ${result.runId} failed: ${result.error ?? "no synthesis"}`, {
        code: "run_failed",
        extra: info
      });
    }
    case "Interrupted":
      return new ApiError(
        503,
        "service_unavailable",
        stopping
          ? `the server is shutting down: run ${outcome.runId} was interrupted`
          : `run ${outcome.runId} was interrupted`,
        { extra: { consortium: { runId: outcome.runId, status: "interrupted" } } }
      );
    case "Error":
      return new ApiError(500, "server_error", `run ${outcome.runId} could not run: ${outcome.message}`, {
        extra: { consortium: { runId: outcome.runId, status: "failed" } }
      });
  }
};

const sse = (res: ServerResponse, data: unknown): void => {
  if (!res.destroyed) res.write(`data: ${typeof data === "string" ? data : JSON.stringify(data)}\n\n`);
};

/** Comment lines are ignored by SSE clients; one line each, so model text cannot break the framing. */
const comment = (res: ServerResponse, text: string): void => {
  if (!res.destroyed) res.write(`: ${text.replace(/[\r\n]+/g, " ")}\n\n`);
};

export const handleChat = async (req: IncomingMessage, res: ServerResponse, context: ChatContext): Promise<string> => {
  const request = parseChatRequest(parseJsonBody(await readBody(req, context.maxBodyBytes)));
  const found = await context.catalog.find(request.model);
  if (found === undefined) {
    throw new ApiError(404, "not_found_error", `no consortium named ${JSON.stringify(request.model)}`, {
      code: "model_not_found",
      param: "model"
    });
  }
  const controller = new AbortController();
  // The client going away (or the shutdown past its grace) aborts the run, then recorded `interrupted`;
  // a client that leaves while waiting for a slot is taken out of the line.
  res.on("close", () => {
    if (!res.writableFinished) controller.abort();
  });
  const admission = await context.admit(controller, (waiting) =>
    context.log(`POST /v1/chat/completions queued (${waiting} waiting)`)
  );
  if (admission._tag === "Cancelled") return "the client left while queued";
  if (admission._tag === "Closed") throw shuttingDownError();
  if (admission._tag === "Busy") throw tooManyRuns(admission.retryAfterMs);
  const { release } = admission;
  try {
    const config = withSystem(found, request.system);
    const base = {
      config,
      prompt: request.prompt,
      history: request.history,
      origin: "serve",
      signal: controller.signal
    };
    if (!request.stream) {
      const outcome = await context.runner.run(base);
      const error = failedRun(outcome, context.stopping());
      if (error !== undefined) {
        sendError(res, error);
        return `${error.status} ${error.message}`;
      }
      if (outcome._tag !== "Finished") return "unreachable";
      sendJson(res, 200, chatCompletion(request.model, outcome.result));
      return `200 run ${outcome.result.runId} ${outcome.result.status}`;
    }

    res.writeHead(200, {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache",
      "x-accel-buffering": "no"
    });
    res.flushHeaders();
    const outcome = await context.runner.run({
      ...base,
      onEvent: (event) => {
        const line = describeEvent(event);
        if (line !== undefined) comment(res, line);
      }
    });
    const error = failedRun(outcome, context.stopping());
    if (error !== undefined || outcome._tag !== "Finished") {
      // the status line is gone; OpenAI's SDKs raise an APIError for an `error` event
      if (error !== undefined) sse(res, error.body());
      res.end();
      return `200 (stream) ${error?.status ?? ""} ${error?.message ?? ""}`;
    }
    const { result } = outcome;
    const id = completionId(result.runId);
    const created = Math.floor(Date.parse(result.startedAt) / 1000);
    sse(res, chunk(id, request.model, created, { role: "assistant", content: "" }));
    for (const piece of textPieces(result.synthesis?.text ?? "")) {
      sse(res, chunk(id, request.model, created, { content: piece }));
    }
    sse(res, {
      ...chunk(id, request.model, created, {}, "stop"),
      usage: usageOf(result),
      consortium: consortiumInfo(result)
    });
    sse(res, "[DONE]");
    res.end();
    return `200 (stream) run ${result.runId} ${result.status}`;
  } finally {
    release();
  }
};
