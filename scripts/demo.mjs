// The run the quick start makes: the research consortium on the prompt, recorded in a throw-away
// database under the checkout (.consortium/, git-ignored), the synthesis printed once, then three
// commands to try next that work as printed. With OPENAI_API_KEY and ANTHROPIC_API_KEY set it asks the
// real models; without them it starts the bundled fake LLM server, scripts plausible answers for the
// research consortium's models, and nothing leaves the machine.
// Usage: node scripts/demo.mjs "prompt"   (after `pnpm build`)
// CONSORTIUM_QUICKSTART_DB overrides where the run is recorded (the quick-start test uses it).
import { spawn } from "node:child_process";
import { once } from "node:events";
import { mkdirSync, readFileSync, rmSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const prompt = process.argv[2] ?? "What causes the seasons on Earth?";
const db = process.env.CONSORTIUM_QUICKSTART_DB ?? join(root, ".consortium", "quickstart.db");
const shownDb = relative(root, db).startsWith("..") ? db : relative(root, db);
const result = join(dirname(db), "quickstart-run.json");
const haveKeys = Boolean(process.env.OPENAI_API_KEY && process.env.ANTHROPIC_API_KEY);

/** Starts the fake server with the research consortium's answers scripted; its environment for the CLI. */
const startFake = async () => {
  const server = spawn(process.execPath, [`${root}packages/testkit/dist/fake-llm.js`], {
    stdio: ["ignore", "pipe", "inherit"],
    env: { ...process.env, FAKE_LLM_OPTIONS: JSON.stringify({ record: false }) }
  });
  const [line] = await once(createInterface({ input: server.stdout }), "line");
  const { url } = JSON.parse(line);
  const script = (model, reply) =>
    fetch(`${url}/_fake/script`, { method: "POST", body: JSON.stringify({ model, script: reply }) });
  const member = (who, text) => ({ text: `(${who}, fake) ${text}`, latencyMs: 600 });
  await script(
    "gpt-5.4",
    member(
      "gpt-5.4",
      "Seasons come from the 23.4° tilt of Earth's axis: each hemisphere leans toward the Sun for half the year, getting more direct light and longer days."
    )
  );
  await script(
    "gpt-5.1-mini",
    member(
      "gpt-5.1-mini",
      "The axial tilt. Distance to the Sun barely matters: Earth is closest in January, during the northern winter."
    )
  );
  await script(
    "claude-sonnet-5",
    member(
      "claude-sonnet-5",
      "Axial tilt (about 23.4°) changes the angle and duration of sunlight over the year; the orbit's small eccentricity is not the cause."
    )
  );
  await script("claude-opus-5", {
    latencyMs: 400,
    text: [
      "<synthesis>Earth has seasons because its axis is tilted about 23.4° relative to its orbit. For half the year a hemisphere leans toward the Sun: sunlight strikes it more directly and days are longer, so it is summer there; six months later it leans away and has winter. The distance to the Sun is not the cause: Earth is closest to the Sun in early January, during the northern winter.</synthesis>",
      "<confidence>0.92</confidence>",
      "<analysis>All three answers name the axial tilt; two explicitly rule out distance.</analysis>",
      "<dissent>None of substance.</dissent>",
      "<needs_iteration>false</needs_iteration>",
      "<refinement_areas><area>mention the equinoxes and solstices</area></refinement_areas>"
    ].join("\n")
  });
  return {
    env: {
      OPENAI_BASE_URL: `${url}/v1`,
      ANTHROPIC_BASE_URL: url,
      OPENAI_API_KEY: "demo-key-not-used",
      ANTHROPIC_API_KEY: "demo-key-not-used"
    },
    stop: () => server.kill("SIGTERM")
  };
};

mkdirSync(dirname(db), { recursive: true });
rmSync(result, { force: true });
const fake = haveKeys ? undefined : await startFake();
const cli = spawn(
  process.execPath,
  [`${root}packages/cli/dist/bin.js`, "run", "research", prompt, "--db", db, "-o", result],
  { cwd: root, stdio: ["ignore", "inherit", "inherit"], env: { ...process.env, ...fake?.env } }
);
const [code] = await once(cli, "exit");
fake?.stop();
process.exitCode = code ?? 1;

let runId;
try {
  runId = JSON.parse(readFileSync(result, "utf8")).runId;
} catch {
  // the run did not get far enough to write its result; the error is already on stderr
}
if (runId !== undefined) {
  process.stderr.write(
    [
      "",
      `Recorded as run ${runId} in ${shownDb}. Next, try:`,
      `  pnpm consortium runs --db ${shownDb}`,
      `  pnpm consortium show ${runId} --db ${shownDb}`,
      `  pnpm consortium eval examples/eval/suite.yaml --replay examples/eval/suite.cassette.jsonl --db ${shownDb}`,
      ""
    ].join("\n")
  );
}
