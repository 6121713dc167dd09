// `consortium/store`: keep runs in the same SQLite database the CLI writes (`consortium runs` and
// `show` read them back). A separate entry so importing the main API never loads the native addon.

export { resolveDbPath, Store, StoreRunLog, type StoreShape } from "@consortium/store";
