import { createHash, timingSafeEqual } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { ApiError } from "./ApiError.js";

// `Authorization: Bearer <key>`, compared in constant time (over hashes, so lengths do not leak).

const digest = (text: string): Buffer => createHash("sha256").update(text).digest();

export const checkBearer = (req: IncomingMessage, key: string | undefined): void => {
  if (key === undefined) return;
  const header = req.headers.authorization ?? "";
  const match = /^Bearer\s+(.+)$/i.exec(header.trim());
  if (match === null || !timingSafeEqual(digest(match[1] ?? ""), digest(key))) {
    throw new ApiError(
      401,
      "authentication_error",
      match === null ? "missing bearer token: send Authorization: Bearer <key>" : "invalid API key",
      { code: "invalid_api_key" }
    );
  }
};
