import { createHash } from "node:crypto";
import { CLIENT_SCRIPT } from "./client.js";
import { escapeHtml, type Html, jsonForScript } from "./escape.js";
import { STYLE } from "./style.js";

// The document shell: one inline stylesheet and one inline script, each allowed by its sha256 in a
// Content-Security-Policy that forbids everything else. Even markup that slipped past escaping could not
// run a script, load an image or send data anywhere.

const hash = (text: string): string => `'sha256-${createHash("sha256").update(text, "utf8").digest("base64")}'`;

const STYLE_HASH = hash(STYLE);
const SCRIPT_HASH = hash(CLIENT_SCRIPT);

/** "file": a self-contained report that talks to nobody; "server": the viewer, which polls itself. */
export type PageMode = "file" | "server";

export const contentSecurityPolicy = (mode: PageMode): string =>
  [
    "default-src 'none'",
    `script-src ${SCRIPT_HASH}`,
    `style-src ${STYLE_HASH}`,
    "img-src data:",
    `connect-src ${mode === "server" ? "'self'" : "'none'"}`,
    "base-uri 'none'",
    `form-action ${mode === "server" ? "'self'" : "'none'"}`
  ].join("; ");

export interface PageOptions {
  readonly title: string;
  readonly mode: PageMode;
  readonly body: Html;
  /** JSON blobs embedded as `<script type="application/json" id=…>` (not executed; read by the script). */
  readonly data?: Readonly<Record<string, unknown>>;
  /** Links shown in the top bar (the viewer's navigation). */
  readonly nav?: Html;
}

export const renderPage = (options: PageOptions): string => {
  const data = Object.entries(options.data ?? {})
    .map(([id, value]) => `<script type="application/json" id="${escapeHtml(id)}">${jsonForScript(value)}</script>`)
    .join("\n");
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${contentSecurityPolicy(options.mode)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(options.title)}</title>
<style>${STYLE}</style>
</head>
<body>
<header class="top"><span class="brand">consortium</span>${options.nav?.value ?? ""}</header>
${options.body.value}
${data}
<script>${CLIENT_SCRIPT}</script>
</body>
</html>
`;
};
