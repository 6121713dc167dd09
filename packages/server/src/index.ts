export { ApiError } from "./ApiError.js";
export { type Catalog, makeCatalog } from "./catalog.js";
export { type ChatRequest, parseChatRequest } from "./chatRequest.js";
export { chatCompletion } from "./completion.js";
export { type McpOptions, startMcp } from "./mcp.js";
export { isLoopback, parseSize, type ServeOptions } from "./options.js";
export { makeRunner, type Runner, type RunOutcome, type RunRequest, StartFailed } from "./Runner.js";
export { type RunningServer, startServer } from "./server.js";
export { untilSignal } from "./signals.js";
