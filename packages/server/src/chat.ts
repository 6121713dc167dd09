import type { IncomingMessage, ServerResponse } from "node:http";
import { describeEvent, withSystemText } from "@consortium/engine";
import { ApiError } from "./ApiError.js";
import { shuttingDownError, tooManyRuns } from "./busy.js";
import type { Catalog } from "./catalog.js";
import { parseChatRequest, parseJsonBody } from "./chatRequest.js";
import { chatCompletion, chunk, completionId, consortiumInfo, usageOf } from "./completion.js";
import { readBody, sendError, sendJson } from "./http.js";
import type { Runner, RunOutcome } from "./Runner.js";
import type { RunSummary } from "./runSummary.js";
import type { RunSlots } from "./slots.js";

// POST /v1/chat/completions: one consortium run per request.
//
// Streaming sends the headers and progress comments (`: round 1`, `: openai/gpt-4.1-mini#1 done`)
// while the run goes, and the answer as content chunks as the engine sends it (SynthesisDelta): the
// last allowed round's synthesis as the arbiter writes it, an earlier round's at once when it is
// decided final (a round another follows is never sent: `: round 1: refining`). Then a last chunk
// with finish_reason, usage and the consortium object, and `data: [DONE]`.

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
        extra: { consortium: { runId: outcome.runId, status: outcome.interrupted ? "interrupted" : "failed" } }
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

/**
 * The answer's chunks: the first piece opens with the assistant role, and the last chunk carries
 * finish_reason, usage and the consortium object (with `revised: true` when the pieces sent turned
 * out not to be the start of the answer, which the engine reports and which can no longer be unsent).
 */
const answerChunks = (res: ServerResponse, model: string) => {
  let id: string | undefined;
  const created = Math.floor(Date.now() / 1000);
  let sent = "";
  let revised = false;
  const open = (runId: string): string => {
    if (id !== undefined) return id;
    id = completionId(runId);
    sse(res, chunk(id, model, created, { role: "assistant", content: "" }));
    return id;
  };
  return {
    piece: (runId: string, text: string): void => {
      sse(res, chunk(open(runId), model, created, { content: text }));
      sent += text;
    },
    revised: (): void => {
      revised = true;
      comment(res, "the answer sent so far was replaced: the final answer is the run's synthesis");
    },
    end: (result: RunSummary): void => {
      const chunkId = open(result.runId);
      // The engine has sent the whole answer by now; this only guards a listener that missed a piece.
      const text = result.synthesis?.text ?? "";
      if (!revised && text.startsWith(sent) && text.length > sent.length) {
        sse(res, chunk(chunkId, model, created, { content: text.slice(sent.length) }));
      }
      sse(res, {
        ...chunk(chunkId, model, created, {}, "stop"),
        usage: usageOf(result),
        consortium: { ...consortiumInfo(result), ...(revised ? { revised: true } : {}) }
      });
    }
  };
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
    // the client's system text goes after the consortium's (and each member's own) system prompt
    const config = withSystemText(found, request.system);
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
    const answer = answerChunks(res, request.model);
    const outcome = await context.runner.run({
      ...base,
      streamSynthesis: true,
      onEvent: (event) => {
        if (event._tag === "SynthesisDelta") return answer.piece(event.runId, event.text);
        if (event._tag === "SynthesisFinal") return event.revised ? answer.revised() : undefined;
        const line = describeEvent(event);
        if (line !== undefined) comment(res, line);
        if (event._tag === "IterationEnded" && !event.stop) comment(res, `round ${event.iteration}: refining`);
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
    answer.end(result);
    sse(res, "[DONE]");
    res.end();
    return `200 (stream) run ${result.runId} ${result.status}`;
  } finally {
    release();
  }
};
