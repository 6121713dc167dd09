import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type FakeLlm, fakeLlmEnv, startFakeLlm } from "@consortium/testkit";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { arbiterReply, cliOutput, type Served, serve } from "./support.js";

// A chat client's follow-up, served, is stored as the next turn of the run it continues: `show --json`
// of the second turn names the first as its parent, in the same conversation. A history the client
// edited continues nothing and starts a conversation of its own.

let fake: FakeLlm;
let db: string;
let server: Served;
let client: OpenAI;

beforeAll(async () => {
  fake = await startFakeLlm();
  const root = mkdtempSync(join(tmpdir(), "consortium-serve-conversation-"));
  const dir = join(root, "consortia");
  db = join(root, "runs.db");
  mkdirSync(dir);
  writeFileSync(join(dir, "talk.yaml"), "name: talk\nmembers: [openai/gpt-m:2]\narbiter: openai/judge-m\n");
  server = await serve(["--dir", dir, "--db", db], fakeLlmEnv(fake));
  client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: "unused", maxRetries: 0 });
});
afterAll(async () => {
  await server?.stop();
  await fake.close();
});

interface Shown {
  readonly id: string;
  readonly conversationId: string;
  readonly parentRunId: string | null;
  readonly conversation: ReadonlyArray<{ readonly runId: string }>;
}

const show = async (runId: string): Promise<Shown> =>
  JSON.parse(await cliOutput(["show", runId, "--json", "--db", db], fakeLlmEnv(fake))) as Shown;

type Message = OpenAI.Chat.Completions.ChatCompletionMessageParam;

const ask = async (messages: ReadonlyArray<Message>, answer: string) => {
  fake.script("judge-m", { text: arbiterReply(answer) });
  const completion = await client.chat.completions.create({ model: "talk", messages: [...messages] });
  const text = completion.choices[0]?.message.content ?? "";
  expect(text).toBe(answer);
  return { runId: (completion as unknown as { consortium: { runId: string } }).consortium.runId, text };
};

describe("consortium serve: conversations", () => {
  it("a follow-up carrying the first reply is stored as the next turn of the first run's conversation", async () => {
    const question: Message = { role: "user", content: "Capital of Australia?" };
    const first = await ask([question], "Canberra.");
    // a newer run with the same prompt and answer, as the second turn of another conversation: only
    // the run whose chain of turns is the history as sent may be the parent
    const city: Message = { role: "user", content: "Name a city." };
    await ask([city], "Sydney.");
    const other = await ask([city, { role: "assistant", content: "Sydney." }, question], "Canberra.");
    expect((await show(other.runId)).conversation).toHaveLength(2);
    const second = await ask(
      [question, { role: "assistant", content: first.text }, { role: "user", content: "And its population?" }],
      "About 460,000."
    );
    const shown = await show(second.runId);
    expect(shown.parentRunId).toBe(first.runId);
    expect(shown.conversationId).toBe(first.runId);
    expect(shown.conversation.map((turn) => turn.runId)).toEqual([first.runId, second.runId]);
  });

  it("an edited history continues nothing: a conversation of its own, the history still sent to members", async () => {
    const first = await ask([{ role: "user", content: "Capital of France?" }], "Paris.");
    fake.reset();
    const edited: ReadonlyArray<Message> = [
      { role: "user", content: "Capital of France?" },
      { role: "assistant", content: "Paris, of course." },
      { role: "user", content: "And its population?" }
    ];
    const second = await ask(edited, "About 2.1 million.");
    const shown = await show(second.runId);
    expect(shown.parentRunId).toBeNull();
    expect(shown.conversationId).toBe(second.runId);
    expect(shown.conversationId).not.toBe(first.runId);
    expect(fake.requests.find((r) => r.model === "gpt-m")?.messages).toEqual(edited);
  });
});
