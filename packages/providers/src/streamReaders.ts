// A streamed completion → the same object the non-streaming call returns, so one reader
// (fromOpenAiCompletion / fromAnthropicMessage) maps both and a streamed answer is exactly the
// answer the same call without streaming gives. `onText` hears each piece of answer text as it arrives.

export type OnText = (delta: string) => void;

type Indexed = { index?: unknown };

/** Chat completion chunks (with `stream_options.include_usage`) → a `chat.completion`-shaped object. */
export const readOpenAiStream = async (chunks: AsyncIterable<unknown>, onText: OnText): Promise<unknown> => {
  let content = "";
  let refusal = "";
  let finishReason: unknown = null;
  let usage: unknown;
  for await (const chunk of chunks) {
    const { choices, usage: chunkUsage } = (chunk ?? {}) as { choices?: unknown; usage?: unknown };
    if (chunkUsage !== undefined && chunkUsage !== null) usage = chunkUsage;
    if (!Array.isArray(choices)) continue;
    // Only the first choice is an answer, as without streaming.
    const choice = (choices as Array<Indexed>).find((each) => (each?.index ?? 0) === 0) as
      | { delta?: { content?: unknown; refusal?: unknown }; finish_reason?: unknown }
      | undefined;
    if (choice === undefined) continue;
    const delta = choice.delta;
    if (typeof delta?.content === "string" && delta.content.length > 0) {
      content += delta.content;
      onText(delta.content);
    }
    if (typeof delta?.refusal === "string") refusal += delta.refusal;
    if (choice.finish_reason !== undefined && choice.finish_reason !== null) finishReason = choice.finish_reason;
  }
  return {
    choices: [
      {
        index: 0,
        // A refusal streams in its own field and leaves content empty, as the JSON reply leaves it null.
        message: {
          content: content === "" && refusal !== "" ? null : content,
          refusal: refusal === "" ? null : refusal
        },
        finish_reason: finishReason
      }
    ],
    ...(usage === undefined ? {} : { usage })
  };
};

/** Messages stream events → a `message`-shaped object (text blocks, stop reason, usage merged). */
export const readAnthropicStream = async (events: AsyncIterable<unknown>, onText: OnText): Promise<unknown> => {
  const blocks = new Map<number, { type: unknown; text: string }>();
  let usage: Record<string, unknown> = {};
  let stopReason: unknown = null;
  const merge = (more: unknown) => {
    if (more === null || typeof more !== "object") return;
    // message_delta repeats some counts cumulatively (and leaves others null): the latest non-null wins.
    for (const [name, value] of Object.entries(more)) if (value !== null && value !== undefined) usage[name] = value;
  };
  for await (const raw of events) {
    const event = (raw ?? {}) as {
      type?: unknown;
      index?: unknown;
      message?: { usage?: unknown };
      content_block?: { type?: unknown; text?: unknown };
      delta?: { type?: unknown; text?: unknown; stop_reason?: unknown };
      usage?: unknown;
    };
    const index = typeof event.index === "number" ? event.index : 0;
    switch (event.type) {
      case "message_start":
        usage = {};
        merge(event.message?.usage);
        break;
      case "content_block_start": {
        const text = typeof event.content_block?.text === "string" ? event.content_block.text : "";
        blocks.set(index, { type: event.content_block?.type, text });
        if (event.content_block?.type === "text" && text.length > 0) onText(text);
        break;
      }
      case "content_block_delta": {
        const block = blocks.get(index);
        if (block?.type === "text" && event.delta?.type === "text_delta" && typeof event.delta.text === "string") {
          block.text += event.delta.text;
          if (event.delta.text.length > 0) onText(event.delta.text);
        }
        break;
      }
      case "message_delta":
        if (event.delta?.stop_reason !== undefined && event.delta.stop_reason !== null) {
          stopReason = event.delta.stop_reason;
        }
        merge(event.usage);
        break;
    }
  }
  return {
    type: "message",
    role: "assistant",
    content: [...blocks.entries()].sort(([a], [b]) => a - b).map(([, block]) => block),
    stop_reason: stopReason,
    usage
  };
};
