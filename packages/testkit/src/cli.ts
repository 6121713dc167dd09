import { readFileSync } from "node:fs";
import { startFakeLlm } from "./server.js";
import type { FakeLlm, FakeLlmOptions } from "./types.js";

// Running the fake as its own process (the benchmark does, so its load does not share an event loop
// with the client under test). Options, first found wins:
//   argv[0]                   path of a JSON file with FakeLlmOptions (scripts as replies or arrays)
//   FAKE_LLM_OPTIONS          the same JSON inline
//   FAKE_LLM_OPTIONS_FILE     path of the JSON file
// FAKE_LLM_PORT overrides the port. Prints one JSON line {url, openaiBaseUrl, anthropicBaseUrl, pid}
// on stdout once listening, then serves until SIGINT/SIGTERM.

export const readCliOptions = (
  argv: ReadonlyArray<string>,
  env: Readonly<Record<string, string | undefined>>
): FakeLlmOptions => {
  const file = argv[0] ?? env.FAKE_LLM_OPTIONS_FILE;
  const text = file !== undefined ? readFileSync(file, "utf8") : env.FAKE_LLM_OPTIONS;
  const options = text === undefined || text.trim() === "" ? {} : (JSON.parse(text) as FakeLlmOptions);
  const port = env.FAKE_LLM_PORT;
  return port === undefined || port === "" ? options : { ...options, port: Number(port) };
};

export const serveFromCli = async (
  argv: ReadonlyArray<string>,
  env: Readonly<Record<string, string | undefined>>,
  out: (line: string) => void = (line) => process.stdout.write(`${line}\n`)
): Promise<FakeLlm> => {
  const fake = await startFakeLlm(readCliOptions(argv, env));
  out(
    JSON.stringify({
      url: fake.url,
      openaiBaseUrl: fake.openaiBaseUrl,
      anthropicBaseUrl: fake.anthropicBaseUrl,
      pid: process.pid
    })
  );
  return fake;
};
