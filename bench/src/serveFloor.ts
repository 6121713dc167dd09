import { Agent, createServer, type IncomingMessage, request, type ServerResponse } from "node:http";

// The serve scenario's floor: a server that does the least any server answering these requests must.
// It reads each request, holds it in a first-come-first-served line for one of --max-runs slots (as
// `consortium serve` does), makes the run's three model calls to the fake over kept-alive node:http
// (both members at once, then the arbiter), reads each answer's JSON, and answers with the
// synthesis. No engine, no SDK, no store, no checks. The same 200 clients and the same fake cost it
// what they cost `consortium serve`, so what `serve` takes above this floor is its own.
//
//   OPENAI_BASE_URL=… node dist/serve-floor.js <max-runs> <member model> <arbiter model>
// First stdout line: {"listening": "http://127.0.0.1:<port>"}.

const [maxRuns = "64", memberModel = "", arbiterModel = ""] = process.argv.slice(2);
const base = process.env.OPENAI_BASE_URL ?? "";
const agent = new Agent({ keepAlive: true, maxSockets: Number.POSITIVE_INFINITY });

const readBody = (message: IncomingMessage): Promise<string> =>
  new Promise((resolve, reject) => {
    const chunks: Array<Buffer> = [];
    message.on("data", (chunk: Buffer) => chunks.push(chunk));
    message.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    message.on("error", reject);
  });

/** One chat completion from the fake: the answer's text. */
const complete = (model: string, prompt: string): Promise<string> =>
  new Promise((resolve, reject) => {
    const body = JSON.stringify({ model, messages: [{ role: "user", content: prompt }] });
    const call = request(
      `${base}/chat/completions`,
      {
        method: "POST",
        agent,
        headers: {
          "content-type": "application/json",
          "content-length": Buffer.byteLength(body),
          authorization: `Bearer ${process.env.OPENAI_API_KEY ?? ""}`
        }
      },
      (response) => {
        readBody(response).then((text) => {
          const parsed = JSON.parse(text) as { choices: Array<{ message: { content: string } }> };
          resolve(parsed.choices[0]?.message.content ?? "");
        }, reject);
      }
    );
    call.on("error", reject);
    call.end(body);
  });

const answer = async (prompt: string, response: ServerResponse): Promise<void> => {
  const members = await Promise.all([complete(memberModel, prompt), complete(memberModel, prompt)]);
  const arbiter = await complete(arbiterModel, `${prompt}\n\n${members.join("\n\n")}`);
  const synthesis = /<synthesis>([\s\S]*?)<\/synthesis>/.exec(arbiter)?.[1] ?? arbiter;
  const body = JSON.stringify({
    object: "chat.completion",
    choices: [{ index: 0, message: { role: "assistant", content: synthesis }, finish_reason: "stop" }]
  });
  response.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
  response.end(body);
};

// the line, and the slots it waits for
const line: Array<() => void> = [];
let running = 0;
const admit = (): void => {
  while (running < Number(maxRuns) && line.length > 0) {
    running += 1;
    line.shift()?.();
  }
};

const server = createServer((incoming, response) => {
  readBody(incoming).then((text) => {
    const prompt = (JSON.parse(text) as { messages: Array<{ content: string }> }).messages.at(-1)?.content ?? "";
    line.push(() => {
      answer(prompt, response)
        .catch((error: unknown) => {
          response.writeHead(500);
          response.end(String(error));
        })
        .finally(() => {
          running -= 1;
          admit();
        });
    });
    admit();
  });
});
server.listen(0, "127.0.0.1", () => {
  const address = server.address();
  const port = typeof address === "object" && address !== null ? address.port : 0;
  process.stdout.write(`${JSON.stringify({ listening: `http://127.0.0.1:${port}` })}\n`);
});
process.on("SIGTERM", () => {
  server.close();
  agent.destroy();
});
