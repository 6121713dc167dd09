import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type FakeLlm, fakeLlmEnv, startFakeLlm } from "@consortium/testkit";
import { afterAll, beforeAll, beforeEach } from "vitest";

// What most end-to-end files need around the built binary: the loopback fake LLM server (started before
// the file's tests, reset before each, closed after) and a temporary folder for consortium files and
// databases (removed after).

export interface FakeWorkspace {
  readonly fake: FakeLlm;
  readonly dir: string;
  /** The environment that points every provider at the fake server, plus `extra`. */
  readonly env: (extra?: NodeJS.ProcessEnv) => NodeJS.ProcessEnv;
  /** Writes `text` to `name` in the folder; its path. */
  readonly write: (name: string, text: string) => string;
  /** Writes `<name>.yaml` with `name: <name>` and then `body`; its path. */
  readonly writeConsortium: (name: string, body: string) => string;
}

/** Call at the top of a test file, before its own hooks (which then see the server running). */
export const useFakeWorkspace = (name: string): FakeWorkspace => {
  let fake: FakeLlm | undefined;
  let dir: string | undefined;
  beforeAll(async () => {
    fake = await startFakeLlm();
    dir = mkdtempSync(join(tmpdir(), `consortium-${name}-`));
  });
  afterAll(async () => {
    await fake?.close();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(() => fake?.reset());
  const ready = <A>(value: A | undefined): A => {
    if (value === undefined) throw new Error("useFakeWorkspace: used before its beforeAll ran");
    return value;
  };
  const workspace: FakeWorkspace = {
    get fake() {
      return ready(fake);
    },
    get dir() {
      return ready(dir);
    },
    env: (extra = {}) => ({ ...fakeLlmEnv(workspace.fake), ...extra }),
    write: (file, text) => {
      const path = join(workspace.dir, file);
      writeFileSync(path, text);
      return path;
    },
    writeConsortium: (consortium, body) => workspace.write(`${consortium}.yaml`, `name: ${consortium}\n${body}`)
  };
  return workspace;
};

/** An arbiter's reply that is confident and asks for no other round. */
export const confidentReply = (synthesis: string): string =>
  `<synthesis>${synthesis}</synthesis><confidence>0.9</confidence><needs_iteration>false</needs_iteration>`;
