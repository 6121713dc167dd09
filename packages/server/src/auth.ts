import type { IncomingMessage } from "node:http";
import { ApiError } from "./ApiError.js";
import { bearerToken, sameSecret } from "./access.js";

// `Authorization: Bearer <key>`: an OpenAI-style 401 when it is missing or wrong.

export const checkBearer = (req: IncomingMessage, key: string | undefined): void => {
  if (key === undefined) return;
  const token = bearerToken(req.headers.authorization);
  if (token === null || !sameSecret(token, key)) {
    throw new ApiError(
      401,
      "authentication_error",
      token === null ? "missing bearer token: send Authorization: Bearer <key>" : "invalid API key",
      { code: "invalid_api_key" }
    );
  }
};
