import { describe, expect, it } from "vitest";
import { jsonForScript } from "../src/html/escape.js";
import { renderMarkdown, safeUrl } from "../src/html/markdown.js";
import { HOSTILE } from "./fixtures.js";

describe("renderMarkdown", () => {
  it("renders ordinary Markdown", () => {
    const out = renderMarkdown("# Title\n\n**bold** and `code` and [a link](https://example.org/x)\n\n- one\n- two");
    expect(out).toContain("<h1>Title</h1>");
    expect(out).toContain("<strong>bold</strong>");
    expect(out).toContain("<code>code</code>");
    expect(out).toContain('<a href="https://example.org/x" rel="noopener noreferrer nofollow">a link</a>');
    expect(out).toContain("<li>one</li>");
  });

  it("shows raw HTML as text and drops script links", () => {
    const out = renderMarkdown(HOSTILE);
    expect(out).not.toMatch(/<script|<img|<svg|<a /i);
    expect(out).toContain("&lt;script&gt;");
    expect(out).toContain("&lt;img");
    expect(out).toContain("click me");
    const link = renderMarkdown("[click](javascript:alert(1)) [two](JAVASCRIPT:alert(2)) <javascript:alert(3)>");
    expect(link).not.toMatch(/<a |href/i);
    expect(link).toContain("click");
  });

  it("turns images into links instead of loading them", () => {
    expect(renderMarkdown("![cat](https://example.org/cat.png)")).not.toContain("<img");
    expect(renderMarkdown("![cat](javascript:alert(1))")).not.toContain("javascript");
  });

  it("accepts only absolute http(s) and mailto URLs", () => {
    expect(safeUrl("https://a.b/c")).toBe("https://a.b/c");
    expect(safeUrl("mailto:x@y.z")).toBe("mailto:x@y.z");
    for (const bad of [
      "javascript:alert(1)",
      " JaVaScRiPt:alert(1)",
      "data:text/html,<b>",
      "vbscript:x",
      "/relative",
      "#frag"
    ]) {
      expect(safeUrl(bad)).toBeNull();
    }
  });
});

describe("jsonForScript", () => {
  it("cannot close the script element it is embedded in", () => {
    const text = jsonForScript({ answer: "</script><script>alert(1)</script><!--" });
    expect(text).not.toContain("<");
    expect(JSON.parse(text)).toEqual({ answer: "</script><script>alert(1)</script><!--" });
  });
});
