export { readCliOptions, serveFromCli } from "./cli.js";
export { fakeLlmEnv } from "./env.js";
export { type Gate, gate } from "./gate.js";
export { echoReply, echoText } from "./ScriptBook.js";
export { startFakeLlm } from "./server.js";
export type * from "./types.js";
