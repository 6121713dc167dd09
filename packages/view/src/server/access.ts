import { bearerToken, isLoopback, sameSecret } from "@consortium/server/access";

// Who may talk to the viewer. It binds loopback unless told otherwise; anywhere else it needs a bearer
// token. On loopback the Host header must name loopback too, so a web page elsewhere cannot reach it
// through DNS rebinding.

/** The host part of a Host header value: `127.0.0.1:8788` → `127.0.0.1`, `[::1]:80` → `[::1]`. */
const hostOf = (header: string): string =>
  header.startsWith("[") ? header.slice(0, header.indexOf("]") + 1) : header.split(":")[0]!;

export const hostHeaderAllowed = (bound: string, header: string | undefined): boolean =>
  !isLoopback(bound) || (header !== undefined && isLoopback(hostOf(header)));

export const COOKIE = "consortium_view";

/** The token from `Authorization: Bearer …` or the cookie `/login?token=…` sets. */
export const tokenOf = (authorization: string | undefined, cookie: string | undefined): string | null => {
  const bearer = bearerToken(authorization);
  if (bearer !== null) return bearer;
  for (const part of (cookie ?? "").split(";")) {
    const [name, ...rest] = part.trim().split("=");
    if (name === COOKIE) return decodeURIComponent(rest.join("="));
  }
  return null;
};

export const authorized = (expected: string | undefined, given: string | null): boolean =>
  expected === undefined || (given !== null && sameSecret(given, expected));
