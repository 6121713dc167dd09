import { Marked, type Tokens } from "marked";
import { escapeHtml } from "./escape.js";

// The final answer is Markdown written by a model: rendered with marked, made safe by construction
// rather than by cleaning afterwards. Raw HTML in the source is shown as text, links keep only http(s)
// and mailto targets, and images become links (a report must not fetch anything). This works without a
// DOM, so the same function serves the CLI's files and the viewer.

const SAFE_PROTOCOLS = new Set(["http:", "https:", "mailto:"]);

/** The URL when it is absolute and of a kind that cannot run code; null otherwise. */
export const safeUrl = (href: string): string | null => {
  try {
    const url = new URL(href.trim());
    return SAFE_PROTOCOLS.has(url.protocol) ? url.href : null;
  } catch {
    return null;
  }
};

const marked = new Marked({
  gfm: true,
  async: false,
  renderer: {
    html({ text }: Tokens.HTML | Tokens.Tag): string {
      return escapeHtml(text);
    },
    link({ href, title, tokens }: Tokens.Link): string {
      const inner = this.parser.parseInline(tokens);
      const url = safeUrl(href);
      if (url === null) return inner;
      const titled = title ? ` title="${escapeHtml(title)}"` : "";
      return `<a href="${escapeHtml(url)}"${titled} rel="noopener noreferrer nofollow">${inner}</a>`;
    },
    image({ href, text }: Tokens.Image): string {
      const url = safeUrl(href);
      const label = `[image: ${escapeHtml(text)}]`;
      return url === null ? label : `<a href="${escapeHtml(url)}" rel="noopener noreferrer nofollow">${label}</a>`;
    }
  }
});

/** Markdown → HTML that runs nothing and loads nothing. */
export const renderMarkdown = (markdown: string): string => marked.parse(markdown, { async: false });
