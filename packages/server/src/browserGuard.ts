import type { IncomingMessage } from "node:http";
import { ApiError } from "./ApiError.js";
import { browserOriginAllowed, hostHeaderAllowed } from "./access.js";

// Refusals of what a web page in the user's browser could send to a server on loopback, where no key
// is needed. A page may POST a "simple" request (text/plain, no CORS preflight) to any address and so
// start paid runs without reading the answer; through DNS rebinding it could read the answers too.

/** Every request: a Host that is not the bound loopback (421); without a key, a foreign page's Origin (403). */
export const checkBrowserAccess = (req: IncomingMessage, host: string, apiKey: string | undefined): void => {
  if (!hostHeaderAllowed(host, req.headers.host)) {
    throw new ApiError(421, "invalid_request_error", "unexpected Host header: use the address the server listens on", {
      code: "misdirected_request"
    });
  }
  // a bearer token already keeps pages out: they cannot know it
  if (apiKey !== undefined) return;
  const fetchSite = req.headers["sec-fetch-site"];
  if (!browserOriginAllowed(req.headers.origin, Array.isArray(fetchSite) ? fetchSite[0] : fetchSite)) {
    throw new ApiError(
      403,
      "permission_error",
      "requests from web pages of other origins are refused: call from a backend, or start serve with --api-key-env",
      { code: "cross_origin_refused" }
    );
  }
};

/**
 * A POST body must be declared JSON. A page can send text/plain, form data or an untyped body without
 * a preflight, never application/json, so this alone stops it starting runs; every OpenAI client sends it.
 */
export const checkJsonBody = (req: IncomingMessage): void => {
  const type = (req.headers["content-type"] ?? "").split(";")[0]!.trim().toLowerCase();
  if (type !== "application/json") {
    throw new ApiError(
      415,
      "invalid_request_error",
      `the body must be JSON sent with Content-Type: application/json (got ${type === "" ? "none" : JSON.stringify(type)})`,
      { code: "unsupported_media_type" }
    );
  }
};
