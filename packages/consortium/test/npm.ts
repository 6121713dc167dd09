import { execFileSync, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

// What the pack-and-install test needs around npm: packing, a child environment, spawning, and a
// loopback mirror for better-sqlite3's prebuilt binary.

export const packageDir = fileURLToPath(new URL("..", import.meta.url));
export const repoRoot = join(packageDir, "..", "..");

export interface Ran {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Spawns a command, collecting its output; never rejects on a non-zero exit. */
export const exec = (
  command: string,
  args: ReadonlyArray<string>,
  options: { readonly cwd: string; readonly env: NodeJS.ProcessEnv }
): Promise<Ran> =>
  new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });

/** `pnpm release:pack` into `destination`; the tarball's path. Asynchronous: a worker blocked this long loses vitest's heartbeat. */
export const pack = async (destination: string): Promise<string> => {
  const ran = await exec(process.execPath, [join(packageDir, "scripts", "pack.mjs"), destination], {
    cwd: packageDir,
    env: process.env
  });
  if (ran.code !== 0) throw new Error(`pack failed:\n${ran.stderr}`);
  return ran.stdout.trim();
};

/** The bare package names a bundle's metafile leaves outside it (node built-ins excluded). */
export const externalPackages = (metafile: string): Array<string> => {
  const meta = JSON.parse(readFileSync(metafile, "utf8")) as {
    outputs: Record<string, { imports: Array<{ path: string; external?: boolean }> }>;
  };
  const names = new Set<string>();
  for (const output of Object.values(meta.outputs)) {
    for (const { path, external } of output.imports) {
      if (!external || path.startsWith("node:") || BUILTINS.has(path)) continue;
      names.add(path.startsWith("@") ? path.split("/").slice(0, 2).join("/") : path.split("/")[0]!);
    }
  }
  return [...names].sort();
};

const BUILTINS = new Set(createRequire(import.meta.url)("node:module").builtinModules as Array<string>);

/**
 * better-sqlite3 installs by fetching a prebuilt binary for this Node (else compiling SQLite, which
 * takes minutes). The release host is out of reach here, so a loopback mirror serves the binary this
 * checkout's own install built, exactly as a company mirror would (`npm_config_better_sqlite3_binary_host`);
 * npm still runs the package's own install script.
 */
export const startBinaryMirror = async (
  workDir: string
): Promise<{ readonly env: Record<string, string>; readonly close: () => Promise<void> }> => {
  const fromStore = createRequire(join(repoRoot, "packages", "store", "package.json"));
  const addonRoot = dirname(fromStore.resolve("better-sqlite3/package.json"));
  const tarball = join(workDir, "better-sqlite3-prebuilt.tar.gz");
  execFileSync("tar", ["-czf", tarball, "-C", addonRoot, "build/Release/better_sqlite3.node"]);
  const body = readFileSync(tarball);
  const server = createServer((request, response) => {
    if (request.url?.endsWith(".tar.gz")) response.writeHead(200, { "content-type": "application/gzip" }).end(body);
    else response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    env: { npm_config_better_sqlite3_binary_host: `http://127.0.0.1:${port}` },
    close: () => new Promise((resolve) => server.close(() => resolve()))
  };
};
