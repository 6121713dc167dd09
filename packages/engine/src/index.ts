export * from "./RunLog.js";
export type * from "./result.js";
