// The prompt is the argument; piped standard input is appended to it (or is the prompt when none is
// given), like `llm`. A terminal on stdin is never read: that would wait for the user forever. An
// inherited stdin that never closes (some CI runners) needs --no-stdin, as with `llm`.

export const readStdin = async (stdin: NodeJS.ReadStream = process.stdin): Promise<string | undefined> => {
  if (stdin.isTTY) return undefined;
  const chunks: Array<Buffer> = [];
  for await (const chunk of stdin) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString("utf8");
  return text.trim().length === 0 ? undefined : text;
};

export const combinePrompt = (argument: string | undefined, piped: string | undefined): string | undefined => {
  const parts = [argument, piped?.trimEnd()].filter((part): part is string => part !== undefined && part.length > 0);
  return parts.length === 0 ? undefined : parts.join("\n\n");
};
