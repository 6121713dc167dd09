import { homedir } from "node:os";
import { isAbsolute, join } from "node:path";

export interface DbPathOptions {
  /** `--db <path>` */
  readonly flag?: string | undefined;
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/**
 * Where the database lives: `--db`, else CONSORTIUM_DB, else $XDG_DATA_HOME/consortium/consortium.db,
 * else ~/.local/share/consortium/consortium.db. Pure: opening the store creates the folder, so a
 * missing or unwritable folder is reported as a store error rather than thrown from here.
 */
export const resolveDbPath = ({ flag, env = process.env }: DbPathOptions = {}): string => {
  if (flag !== undefined && flag !== "") return flag;
  const fromEnv = env.CONSORTIUM_DB;
  if (fromEnv !== undefined && fromEnv !== "") return fromEnv;
  // The XDG spec says a relative XDG_DATA_HOME is invalid and must be ignored.
  const xdg = env.XDG_DATA_HOME;
  if (xdg !== undefined && isAbsolute(xdg)) return join(xdg, "consortium", "consortium.db");
  const home = env.HOME !== undefined && env.HOME !== "" ? env.HOME : homedir();
  return join(home, ".local", "share", "consortium", "consortium.db");
};
