export { readCliOptions, serveFromCli } from "./cli.js";
export { echoReply, echoText } from "./ScriptBook.js";
export { startFakeLlm } from "./server.js";
export type * from "./types.js";
