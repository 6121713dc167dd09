import { createHash, timingSafeEqual } from "node:crypto";
import { isIP } from "node:net";

// Who may talk to a local HTTP endpoint, the API server's and the viewer's alike: a loopback address
// needs nothing more; anywhere else a bearer token, compared in constant time. A loopback address is
// still reachable from the web pages the user's browser shows, so the Host and Origin a browser
// sends are checked too.

/** localhost, 127.0.0.0/8, ::1 and 127.x written as IPv4-mapped IPv6: only this machine can connect. */
export const isLoopback = (host: string): boolean => {
  const bare = host.replace(/^\[(.*)\]$/, "$1").toLowerCase();
  if (bare === "localhost" || bare === "::1") return true;
  const v4 = bare.startsWith("::ffff:") ? bare.slice("::ffff:".length) : bare;
  return isIP(v4) === 4 && v4.startsWith("127.");
};

/** The token of `Authorization: Bearer <token>`; null when the header is missing or of another kind. */
export const bearerToken = (authorization: string | undefined): string | null =>
  /^Bearer\s+(.+)$/i.exec((authorization ?? "").trim())?.[1]?.trim() ?? null;

const digest = (text: string): Buffer => createHash("sha256").update(text).digest();

/** Compared over hashes in constant time, so neither the secret's content nor its length leaks. */
export const sameSecret = (given: string, expected: string): boolean =>
  timingSafeEqual(digest(given), digest(expected));

/** The host part of a Host header value: `127.0.0.1:8788` → `127.0.0.1`, `[::1]:80` → `[::1]`. */
const hostOf = (header: string): string =>
  header.startsWith("[") ? header.slice(0, header.indexOf("]") + 1) : header.split(":")[0]!;

/**
 * Bound to loopback, the Host header must name loopback too: a page on a name the attacker controls
 * that re-resolves to 127.0.0.1 (DNS rebinding) is then refused, while its port is not compared, so
 * `ssh -L 9000:localhost:8787` or a local proxy still reach it. Bound elsewhere, a bearer token is
 * required and is what keeps pages out.
 */
export const hostHeaderAllowed = (bound: string, header: string | undefined): boolean =>
  !isLoopback(bound) || (header !== undefined && isLoopback(hostOf(header)));

/**
 * False for what a browser sends on behalf of a page from another machine's origin: an `Origin` that
 * is not a loopback URL (`null` included: sandboxed frames and files), or, without an Origin,
 * `Sec-Fetch-Site: cross-site`. Other clients (SDKs, curl, a chat UI's backend) send neither.
 */
export const browserOriginAllowed = (origin: string | undefined, fetchSite: string | undefined): boolean => {
  if (origin === undefined) return fetchSite?.toLowerCase() !== "cross-site";
  try {
    return isLoopback(new URL(origin).hostname);
  } catch {
    return false;
  }
};
