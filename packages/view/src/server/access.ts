import { timingSafeEqual } from "node:crypto";
import { isIP } from "node:net";

// Who may talk to the viewer. It binds loopback unless told otherwise; anywhere else it needs a bearer
// token. On loopback the Host header must name loopback too, so a web page elsewhere cannot reach it
// through DNS rebinding.

export const isLoopbackHost = (host: string): boolean => {
  const bare = host.replace(/^\[|\]$/g, "");
  if (bare === "localhost") return true;
  if (isIP(bare) === 4) return bare.startsWith("127.");
  return bare === "::1";
};

/** The host part of a Host header value: `127.0.0.1:8788` → `127.0.0.1`, `[::1]:80` → `[::1]`. */
const hostOf = (header: string): string =>
  header.startsWith("[") ? header.slice(0, header.indexOf("]") + 1) : header.split(":")[0]!;

export const hostHeaderAllowed = (bound: string, header: string | undefined): boolean =>
  !isLoopbackHost(bound) || (header !== undefined && isLoopbackHost(hostOf(header)));

const sameSecret = (given: string, expected: string): boolean => {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
};

export const COOKIE = "consortium_view";

/** The token from `Authorization: Bearer …` or the cookie `/login?token=…` sets. */
export const tokenOf = (authorization: string | undefined, cookie: string | undefined): string | null => {
  const bearer = authorization?.match(/^Bearer\s+(.+)$/i)?.[1];
  if (bearer !== undefined) return bearer.trim();
  for (const part of (cookie ?? "").split(";")) {
    const [name, ...rest] = part.trim().split("=");
    if (name === COOKIE) return decodeURIComponent(rest.join("="));
  }
  return null;
};

export const authorized = (expected: string | undefined, given: string | null): boolean =>
  expected === undefined || (given !== null && sameSecret(given, expected));
