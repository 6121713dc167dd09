import { describe, expect, it } from "vitest";
import { WholeReply } from "../src/wholeReply.js";

// The reply the SDKs get for a body read whole must read as Node's own Response with the same status,
// headers and bytes would: every check below runs on both and compares.

const raw = {
  "content-type": "application/json",
  "x-request-id": "req_1",
  "set-cookie": ["a=1", "b=2"],
  "retry-after": "2"
};
const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"q":"ü","n":[1,2]}')]);

const both = (body: Buffer | null = bytes, status = 200) => {
  const headers = new Headers();
  for (const [name, value] of Object.entries(raw)) {
    for (const one of Array.isArray(value) ? value : [value]) headers.append(name, one);
  }
  const real = new Response(body === null ? null : new Uint8Array(body), { status, statusText: "OK", headers });
  const ours = new WholeReply("http://127.0.0.1/v1/x", status, "OK", raw, body) as unknown as Response;
  return { real, ours };
};

const readAll = async (stream: ReadableStream<Uint8Array> | null): Promise<string> =>
  stream === null ? "(none)" : Buffer.from(await new Response(stream).arrayBuffer()).toString("utf8");

describe("WholeReply", () => {
  it("gives the status and headers as fetch's Response: one value per name, sorted when listed", () => {
    for (const status of [200, 429, 503]) {
      const { real, ours } = both(bytes, status);
      expect([ours.status, ours.ok, ours.statusText]).toEqual([real.status, real.ok, real.statusText]);
      expect([...ours.headers]).toEqual([...real.headers]);
      expect([...ours.headers.keys()]).toEqual([...real.headers.keys()]);
      for (const name of ["Content-Type", "set-cookie", "retry-after", "missing"]) {
        expect([ours.headers.get(name), ours.headers.has(name)]).toEqual([
          real.headers.get(name),
          real.headers.has(name)
        ]);
      }
      expect(ours.headers.getSetCookie()).toEqual(real.headers.getSetCookie());
    }
  });

  it("reads the body once, as json, text or bytes, without its byte order mark", async () => {
    for (const read of ["json", "text", "arrayBuffer"] as const) {
      const { real, ours } = both();
      const [mine, theirs] = [await ours[read](), await real[read]()];
      expect(read === "arrayBuffer" ? Buffer.from(mine as ArrayBuffer) : mine).toEqual(
        read === "arrayBuffer" ? Buffer.from(theirs as ArrayBuffer) : theirs
      );
      expect(ours.bodyUsed).toBe(real.bodyUsed);
      await expect(ours.text()).rejects.toThrow(TypeError);
      await expect(real.text()).rejects.toThrow(TypeError);
    }
  });

  it("hands out the body as a stream only when asked, and asking reads nothing", async () => {
    const { real, ours } = both();
    expect([ours.body === null, ours.bodyUsed]).toEqual([real.body === null, real.bodyUsed]);
    expect(ours.body).toBe(ours.body);
    await new Promise((resolve) => setImmediate(resolve));
    expect(await ours.json()).toEqual(await real.json());

    const streamed = both();
    expect(await readAll(streamed.ours.body)).toBe(await readAll(streamed.real.body));
    expect(streamed.ours.bodyUsed).toBe(true);
    await expect(streamed.ours.json()).rejects.toThrow(TypeError);

    const empty = both(null, 200);
    expect([empty.ours.body, await empty.ours.text()]).toEqual([empty.real.body, await empty.real.text()]);
  });

  it("refuses a status fetch cannot represent", () => {
    expect(() => new Response(null, { status: 150 })).toThrow(RangeError);
    expect(() => new WholeReply("http://127.0.0.1/", 150, "", {}, null)).toThrow(RangeError);
  });
});
