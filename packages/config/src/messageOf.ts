/**
 * What went wrong, in words, from anything thrown or rejected: an Error's message, else the value as
 * text. Every package says a caught error this one way. An Error without a message of its own says
 * its code or its name; a connection refused on every address a host name resolves to arrives as an
 * AggregateError with no message: the first of its errors speaks for it.
 */
export const messageOf = (error: unknown): string => {
  if (error instanceof AggregateError && error.message === "" && error.errors.length > 0) {
    return messageOf(error.errors[0]);
  }
  if (!(error instanceof Error)) return String(error);
  if (error.message !== "") return error.message;
  const code = (error as { readonly code?: unknown }).code;
  return typeof code === "string" ? code : error.name;
};
