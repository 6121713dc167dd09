import type { FakeRequest, Reply, ReplyFn, Script } from "./types.js";

// Which reply a request gets. Sequences count from the moment they are scripted, so a test that
// scripts "429 then ok" after some earlier calls still gets the 429 next.

interface Entry {
  readonly script: Script;
  position: number;
}

export class ScriptBook {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly fallback: Reply | ReplyFn) {}

  set(model: string, script: Script): void {
    if (Array.isArray(script) && script.length === 0) throw new Error(`script for ${model}: a sequence needs a reply`);
    this.entries.set(model, { script, position: 0 });
  }

  clear(): void {
    this.entries.clear();
  }

  replyFor(request: FakeRequest): Reply | Promise<Reply> {
    const entry = this.entries.get(request.model);
    if (entry === undefined) return typeof this.fallback === "function" ? this.fallback(request) : this.fallback;
    const { script } = entry;
    if (typeof script === "function") return script(request);
    if (!Array.isArray(script)) return script as Reply;
    const sequence = script as ReadonlyArray<Reply>;
    const reply = sequence[Math.min(entry.position, sequence.length - 1)]!;
    entry.position++;
    return reply;
  }
}

/** The default answer: short, deterministic, and says who answered what. */
export const echoText = (request: FakeRequest): string => {
  const last = request.messages.at(-1)?.content ?? "";
  const gist = last.length > 60 ? `${last.slice(0, 60)}…` : last;
  return `Fake answer from ${request.model}: ${gist}`;
};

export const echoReply = (request: FakeRequest): Reply => ({ text: echoText(request) });
