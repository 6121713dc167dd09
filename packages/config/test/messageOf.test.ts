import { describe, expect, it } from "vitest";
import { messageOf } from "../src/messageOf.js";

// Whatever was thrown, one way of saying it: the message a person reads in a one-line error.

describe("messageOf", () => {
  it("says an Error's message, and anything else as text", () => {
    expect(messageOf(new TypeError("bad input"))).toBe("bad input");
    expect(messageOf("plain words")).toBe("plain words");
    expect(messageOf(42)).toBe("42");
    expect(messageOf(undefined)).toBe("undefined");
  });

  it("says an Error's code, else its name, when it has no message", () => {
    expect(messageOf(Object.assign(new Error(""), { code: "ECONNRESET" }))).toBe("ECONNRESET");
    expect(messageOf(new RangeError(""))).toBe("RangeError");
  });

  it("lets the first error of an AggregateError without a message speak for it", () => {
    const refused = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), { code: "ECONNREFUSED" });
    expect(messageOf(new AggregateError([refused, new Error("connect ECONNREFUSED ::1:5432")], ""))).toBe(
      "connect ECONNREFUSED 127.0.0.1:5432"
    );
    expect(messageOf(new AggregateError([refused], "all attempts failed"))).toBe("all attempts failed");
  });
});
