import { bearerToken, sameSecret } from "@consortium/server/access";

// Who may talk to the viewer. It binds loopback unless told otherwise; anywhere else it needs a bearer
// token. On loopback the Host header must name loopback too (the rule `consortium serve` shares), so a
// web page elsewhere cannot reach it through DNS rebinding.

export { hostHeaderAllowed } from "@consortium/server/access";

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
