// The process entry (build.mjs adds the shebang). A lone `--version`, which scripts and CI call often, is
// answered before the Effect runtime and the command tree load: compiling them is most of start-up.
declare const __CONSORTIUM_VERSION__: string;

if (process.argv.length === 3 && process.argv[2] === "--version") {
  process.stdout.write(`${__CONSORTIUM_VERSION__}\n`);
} else {
  await import("./main.js");
}
