import type { IncomingMessage, ServerResponse } from "node:http";
import type { FakeLlm, Reply } from "./types.js";

// When the fake runs as its own process (benchmarks), these endpoints stand in for the object API:
//   GET  /_fake/stats            the stats snapshot
//   GET  /_fake/requests         recorded requests (empty when recording is off)
//   POST /_fake/reset            forget scripts, requests and stats
//   POST /_fake/script           {"model": "...", "script": Reply | Reply[]}

const reply = (res: ServerResponse, status: number, value: unknown): void => {
  const payload = JSON.stringify(value);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(payload) });
  res.end(payload);
};

const readJson = async (req: IncomingMessage): Promise<unknown> => {
  const chunks: Array<Buffer> = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString("utf8"));
};

export const handleControl = (path: string, req: IncomingMessage, res: ServerResponse, fake: FakeLlm): void => {
  const route = `${req.method} ${path}`;
  switch (route) {
    case "GET /_fake/stats":
      reply(res, 200, fake.stats);
      break;
    case "GET /_fake/requests":
      reply(res, 200, fake.requests);
      break;
    case "POST /_fake/reset":
      fake.reset();
      reply(res, 200, { ok: true });
      break;
    case "POST /_fake/script":
      readJson(req)
        .then((body) => {
          const { model, script } = (body ?? {}) as { model?: unknown; script?: unknown };
          if (typeof model !== "string" || script === null || typeof script !== "object") {
            reply(res, 400, { error: 'expected {"model": string, "script": reply or array of replies}' });
            return;
          }
          fake.script(model, script as Reply | ReadonlyArray<Reply>);
          reply(res, 200, { ok: true });
        })
        .catch((error: unknown) => reply(res, 400, { error: String(error) }));
      break;
    default:
      reply(res, 404, { error: `no control route ${route}` });
  }
};
