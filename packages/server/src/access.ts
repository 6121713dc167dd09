import { createHash, timingSafeEqual } from "node:crypto";
import { isIP } from "node:net";

// Who may talk to a local HTTP endpoint, the API server's and the viewer's alike: a loopback address
// needs nothing more; anywhere else a bearer token, compared in constant time.

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
