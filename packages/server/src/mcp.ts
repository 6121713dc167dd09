import type { ConsortiumConfig } from "@consortium/config";
import { messageOf } from "@consortium/config/messageOf";
import { describeEvent, type RunEvent } from "@consortium/engine";
import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { CallToolRequestSchema, type CallToolResult, ListToolsRequestSchema } from "@modelcontextprotocol/sdk/types.js";
import { folderProblem, makeCatalog } from "./catalog.js";
import { makeRunner, type RunOutcome, StartFailed } from "./Runner.js";

// `consortium mcp`: the Model Context Protocol over stdio, so coding agents can ask a consortium.
// Two tools, list_consortia and run_consortium. Every failure (unknown consortium, bad arguments, a
// failed run) is a tool result with isError, never a crashed server. stdout is the protocol channel:
// logs go to stderr only. The low-level Server with plain JSON Schemas keeps zod out of our imports.

export interface McpOptions {
  readonly dir: string;
  readonly db: string | undefined;
  readonly noLog: boolean;
  readonly version: string;
  readonly log: (line: string) => void;
}

const TOOLS = [
  {
    name: "list_consortia",
    description: "List the consortia this server can run: name, description, members and arbiter.",
    inputSchema: { type: "object" as const, properties: {}, additionalProperties: false }
  },
  {
    name: "run_consortium",
    description:
      "Ask a consortium: several models answer the prompt, an arbiter synthesises their answers with a " +
      "confidence, and rounds repeat until it is confident. Returns the synthesis, confidence, status and run id.",
    inputSchema: {
      type: "object" as const,
      properties: {
        consortium: { type: "string", description: "the consortium's name, as list_consortia gives it" },
        prompt: { type: "string", description: "the question or task" }
      },
      required: ["consortium", "prompt"],
      additionalProperties: false
    }
  }
];

const toolError = (text: string): CallToolResult => ({ content: [{ type: "text", text }], isError: true });

const describe = (config: ConsortiumConfig) => ({
  name: config.name,
  description: config.description ?? null,
  members: config.members.map((m) => `${m.provider}/${m.model}${m.count > 1 ? `:${m.count}` : ""}`),
  arbiter: config.arbiter === undefined ? null : `${config.arbiter.provider}/${config.arbiter.model}`
});

const runResult = (outcome: RunOutcome): CallToolResult => {
  switch (outcome._tag) {
    case "Interrupted":
      return toolError(`run ${outcome.runId} was interrupted`);
    case "Error":
      return toolError(`run ${outcome.runId} could not run: ${outcome.message}`);
    case "Finished": {
      const { result } = outcome;
      const summary = {
        runId: result.runId,
        status: result.status,
        confidence: result.synthesis?.confidence ?? null,
        iterations: result.iterations,
        costUsd: result.usage.costUsd,
        synthesis: result.synthesis?.text ?? null,
        error: result.error
      };
      if (result.synthesis === null) {
        return {
          ...toolError(`run ${result.runId} ${result.status}: ${result.error ?? "no synthesis"}`),
          structuredContent: summary
        };
      }
      const note = `\n\n(consortium ${result.consortium}, run ${result.runId}, ${result.status}, confidence ${summary.confidence})`;
      return { content: [{ type: "text", text: result.synthesis.text + note }], structuredContent: summary };
    }
  }
};

export const startMcp = async (options: McpOptions) => {
  const missing = folderProblem(options.dir);
  if (missing !== undefined) throw new StartFailed(missing);
  const runner = await makeRunner({ db: options.db, noLog: options.noLog });
  const catalog = makeCatalog(options.dir, options.log);
  const inFlight = new Set<AbortController>();
  const server = new Server({ name: "consortium", version: options.version }, { capabilities: { tools: {} } });

  server.setRequestHandler(ListToolsRequestSchema, () => ({ tools: TOOLS }));
  server.setRequestHandler(CallToolRequestSchema, async (request, extra): Promise<CallToolResult> => {
    const args = (request.params.arguments ?? {}) as Record<string, unknown>;
    try {
      if (request.params.name === "list_consortia") {
        const consortia = (await catalog.all()).map(describe);
        return {
          content: [{ type: "text", text: JSON.stringify(consortia, null, 2) }],
          structuredContent: { consortia }
        };
      }
      if (request.params.name !== "run_consortium") return toolError(`unknown tool ${request.params.name}`);
      const { consortium, prompt } = args;
      if (typeof consortium !== "string" || typeof prompt !== "string" || prompt.trim() === "") {
        return toolError("run_consortium needs {consortium: string, prompt: non-empty string}");
      }
      const config = await catalog.find(consortium);
      if (config === undefined) {
        const known = (await catalog.all()).map((c) => c.name);
        return toolError(`no consortium named ${JSON.stringify(consortium)} (known: ${known.join(", ") || "none"})`);
      }
      const progressToken = request.params._meta?.progressToken;
      let progress = 0;
      const onEvent = (event: RunEvent) => {
        const message = describeEvent(event);
        if (progressToken === undefined || message === undefined) return;
        progress++;
        void extra
          .sendNotification({ method: "notifications/progress", params: { progressToken, progress, message } })
          .catch(() => {});
      };
      const controller = new AbortController();
      // a cancelled request (or the client going away) interrupts the run: stored `interrupted`
      const cancel = () => controller.abort();
      extra.signal.addEventListener("abort", cancel);
      inFlight.add(controller);
      try {
        const outcome = await runner.run({
          config,
          prompt,
          history: [],
          origin: "mcp",
          signal: controller.signal,
          onEvent
        });
        return runResult(outcome);
      } finally {
        inFlight.delete(controller);
        extra.signal.removeEventListener("abort", cancel);
      }
    } catch (error) {
      return toolError(`internal error: ${messageOf(error).split("\n")[0]}`);
    }
  });

  const transport = new StdioServerTransport();
  const closed = new Promise<void>((resolve) => {
    server.onclose = () => resolve();
    // stdin ending is the client going away
    process.stdin.once("end", () => resolve());
  });
  await server.connect(transport);
  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      for (const controller of inFlight) controller.abort();
      await server.close().catch(() => {});
      await runner.dispose();
    })();
    return closing;
  };
  return { closed, close };
};
