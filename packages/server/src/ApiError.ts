// An HTTP error in OpenAI's JSON shape, `{ error: { message, type, param, code } }`, which the official
// SDKs turn into their own error classes (BadRequestError, AuthenticationError, NotFoundError, ...).
// The message is always ours, one line: never a stack, never a key.

export type ErrorType =
  | "invalid_request_error"
  | "authentication_error"
  | "permission_error"
  | "not_found_error"
  | "rate_limit_error"
  | "server_error"
  | "service_unavailable";

export class ApiError {
  constructor(
    readonly status: number,
    readonly type: ErrorType,
    readonly message: string,
    readonly options: {
      readonly code?: string;
      readonly param?: string;
      readonly headers?: Readonly<Record<string, string>>;
      /** Extra top-level fields, e.g. the `consortium` object of a failed run. */
      readonly extra?: Readonly<Record<string, unknown>>;
    } = {}
  ) {}

  body(): Record<string, unknown> {
    return {
      error: {
        message: this.message,
        type: this.type,
        param: this.options.param ?? null,
        code: this.options.code ?? null
      },
      ...this.options.extra
    };
  }
}

export const badRequest = (message: string, param?: string): ApiError =>
  new ApiError(400, "invalid_request_error", message, param === undefined ? {} : { param });
