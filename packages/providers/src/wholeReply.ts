import type { IncomingHttpHeaders } from "node:http";

// A reply read whole (every JSON completion), as the `Response` the SDKs are handed. Node's own
// Response (undici) turns any body into a web ReadableStream at construction, validates and sorts
// its headers, and reads json() back through that stream: about a tenth of a model call's CPU, for a
// body that is already one buffer in memory. This one serves what the SDKs read (status, ok, url,
// headers.get / has / iteration, json / text / arrayBuffer, and `body` for a reader that asks for a
// stream, made only then) straight from the buffer and node:http's parsed headers.

/** node:http's headers (names already lower case) behind the read-only half of `Headers`. */
export class ReplyHeaders implements Iterable<[string, string]> {
  readonly #raw: IncomingHttpHeaders;

  constructor(raw: IncomingHttpHeaders) {
    this.#raw = raw;
  }

  get(name: string): string | null {
    const value = this.#raw[name.toLowerCase()];
    if (value === undefined) return null;
    // as fetch: repeated headers are one value joined with ", "
    return Array.isArray(value) ? value.join(", ") : value;
  }

  has(name: string): boolean {
    return this.#raw[name.toLowerCase()] !== undefined;
  }

  getSetCookie(): Array<string> {
    const value = this.#raw["set-cookie"];
    return value === undefined ? [] : [...value];
  }

  forEach(callback: (value: string, name: string, headers: ReplyHeaders) => void): void {
    for (const [name, value] of this) callback(value, name, this);
  }

  *entries(): IterableIterator<[string, string]> {
    // fetch lists headers sorted by name, each set-cookie on its own
    for (const name of Object.keys(this.#raw).sort()) {
      if (name === "set-cookie") for (const cookie of this.getSetCookie()) yield [name, cookie];
      else {
        const value = this.get(name);
        if (value !== null) yield [name, value];
      }
    }
  }

  *keys(): IterableIterator<string> {
    for (const [name] of this.entries()) yield name;
  }

  *values(): IterableIterator<string> {
    for (const [, value] of this.entries()) yield value;
  }

  [Symbol.iterator](): IterableIterator<[string, string]> {
    return this.entries();
  }
}

/** As fetch decodes a body: UTF-8, a leading byte order mark dropped, bad bytes as U+FFFD. */
const utf8 = (bytes: Buffer): string =>
  bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf
    ? bytes.toString("utf8", 3)
    : bytes.toString("utf8");

const used = (): TypeError => new TypeError("Body is unusable: Body has already been read");

export class WholeReply {
  readonly status: number;
  readonly statusText: string;
  readonly ok: boolean;
  readonly url: string;
  readonly headers: ReplyHeaders;
  readonly redirected = false;
  readonly type = "basic";
  #bytes: Buffer | null;
  #used = false;
  #stream: ReadableStream<Uint8Array> | null = null;

  constructor(url: string, status: number, statusText: string, raw: IncomingHttpHeaders, bytes: Buffer | null) {
    if (status < 200 || status > 599) throw new RangeError(`the status ${status} is not a fetch response's`);
    this.url = url;
    this.status = status;
    this.statusText = statusText;
    this.ok = status >= 200 && status <= 299;
    this.headers = new ReplyHeaders(raw);
    this.#bytes = bytes;
  }

  get bodyUsed(): boolean {
    return this.#used;
  }

  /**
   * Made on first use only (the OpenAI SDK never asks for it on its JSON path; Anthropic's holds it to
   * know when a reply is dropped). As fetch's, asking for it reads nothing: reading from it does.
   */
  get body(): ReadableStream<Uint8Array> | null {
    const bytes = this.#bytes;
    if (bytes === null) return null;
    if (this.#stream === null) {
      const take = () => this.#take();
      // highWaterMark 0: nothing is pulled until a reader asks
      this.#stream = new ReadableStream<Uint8Array>(
        {
          pull(controller) {
            take();
            if (bytes.length > 0) controller.enqueue(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length));
            controller.close();
          }
        },
        { highWaterMark: 0 }
      );
    }
    return this.#stream;
  }

  #take(): Buffer {
    if (this.#used) throw used();
    this.#used = true;
    return this.#bytes ?? Buffer.alloc(0);
  }

  async text(): Promise<string> {
    return utf8(this.#take());
  }

  async json(): Promise<unknown> {
    return JSON.parse(utf8(this.#take()));
  }

  async arrayBuffer(): Promise<ArrayBuffer> {
    const bytes = this.#take();
    return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length) as ArrayBuffer;
  }

  async bytes(): Promise<Uint8Array> {
    return new Uint8Array(await this.arrayBuffer());
  }
}
