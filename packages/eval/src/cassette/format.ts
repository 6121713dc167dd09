import type { CallSite } from "@consortium/engine";
import type { LlmRequest, LlmResponse } from "@consortium/providers";
import { Either } from "effect";
import { canonicalJson, sha256Hex } from "../canonicalJson.js";
import { CassetteUnreadable } from "../errors.js";

// A cassette is JSONL: one recorded answer per line, sorted, with a fixed key order, so re-recording
// an unchanged suite gives a byte-identical file and a changed one gives a readable git diff. It holds
// what was asked and what came back, never a key, header or base URL.
//
// Two versions of an entry are read. The first has no `call`: identical requests in a case and target
// are told apart only by the order they started in (`occurrence`). The second names the call (role,
// member instance, round, layer), so a provider cap or a back-off that reorders identical requests
// between recording and replay cannot swap their answers; `occurrence` then counts repeats of the very
// same call (none, normally). Recordings write the second; replays read both.

/** The request minus provider and model (they have their own fields): messages and parameters. */
export type RequestSummary = Omit<LlmRequest, "provider" | "model">;

export interface CassetteEntry {
  /** The eval case the call belonged to; null outside an eval. */
  readonly case: string | null;
  readonly target: string | null;
  /** sha256 of the canonical JSON of provider, model, parameters and messages. */
  readonly key: string;
  /** 0 for the first identical request in this case and target (and call, when named), 1 for the second... */
  readonly occurrence: number;
  /** Which call of the run this was; absent in cassettes recorded before calls were named. */
  readonly call?: CallSite | undefined;
  readonly provider: string;
  readonly model: string;
  readonly request: RequestSummary;
  readonly response: LlmResponse;
}

export const fingerprint = (provider: string, request: LlmRequest): string =>
  sha256Hex(canonicalJson({ ...request, provider }));

export const summarize = (request: LlmRequest): RequestSummary => {
  const { provider: _provider, model: _model, ...rest } = request;
  return rest;
};

/** Where identical requests are counted: per case and target, so concurrent cases never steal each other's answers. */
export const scopeId = (caseId: string | null, target: string | null): string => JSON.stringify([caseId, target]);

/** The call as text, in a fixed order; "" when the entry names none. */
export const siteId = (call: CallSite | undefined): string =>
  call === undefined ? "" : JSON.stringify([call.role, call.instance, call.iteration, call.layer ?? null]);

export const lookupId = (entry: Pick<CassetteEntry, "case" | "target" | "key" | "occurrence" | "call">): string =>
  JSON.stringify([entry.case, entry.target, entry.key, entry.occurrence, siteId(entry.call)]);

const compareText = (a: string | null, b: string | null): number =>
  a === b ? 0 : a === null ? -1 : b === null ? 1 : a < b ? -1 : 1;

const compareEntries = (a: CassetteEntry, b: CassetteEntry): number =>
  compareText(a.case, b.case) ||
  compareText(a.target, b.target) ||
  compareText(a.provider, b.provider) ||
  compareText(a.model, b.model) ||
  compareText(a.key, b.key) ||
  compareText(siteId(a.call), siteId(b.call)) ||
  a.occurrence - b.occurrence;

/** One line per entry, keys in a fixed order, lines sorted: the same calls always give the same bytes. */
export const serializeCassette = (entries: ReadonlyArray<CassetteEntry>): string =>
  [...entries]
    .sort(compareEntries)
    .map(
      (entry) =>
        `${JSON.stringify({
          case: entry.case,
          target: entry.target,
          key: entry.key,
          occurrence: entry.occurrence,
          ...(entry.call === undefined ? {} : { call: siteOf(entry.call) }),
          provider: entry.provider,
          model: entry.model,
          request: JSON.parse(canonicalJson(entry.request)),
          response: { text: entry.response.text, usage: entry.response.usage }
        })}\n`
    )
    .join("");

/** The call with its keys in a fixed order. */
const siteOf = (call: CallSite): CallSite => ({
  role: call.role,
  instance: call.instance,
  iteration: call.iteration,
  ...(call.layer === undefined ? {} : { layer: call.layer })
});

const isSite = (value: unknown): boolean => {
  if (value === undefined) return true;
  if (value === null || typeof value !== "object") return false;
  const call = value as Record<string, unknown>;
  return (
    typeof call.role === "string" &&
    Number.isInteger(call.instance) &&
    Number.isInteger(call.iteration) &&
    (call.layer === undefined || Number.isInteger(call.layer))
  );
};

const isEntry = (value: unknown): value is CassetteEntry => {
  if (value === null || typeof value !== "object") return false;
  const entry = value as Record<string, unknown>;
  const response = entry.response as Record<string, unknown> | null | undefined;
  const usage = response?.usage as Record<string, unknown> | null | undefined;
  return (
    (entry.case === null || typeof entry.case === "string") &&
    (entry.target === null || typeof entry.target === "string") &&
    typeof entry.key === "string" &&
    Number.isInteger(entry.occurrence) &&
    isSite(entry.call) &&
    typeof entry.provider === "string" &&
    typeof entry.model === "string" &&
    entry.request !== null &&
    typeof entry.request === "object" &&
    typeof response?.text === "string" &&
    typeof usage?.inputTokens === "number" &&
    typeof usage?.outputTokens === "number"
  );
};

export const parseCassette = (
  path: string,
  text: string
): Either.Either<ReadonlyArray<CassetteEntry>, CassetteUnreadable> => {
  const entries: Array<CassetteEntry> = [];
  const lines = text.split("\n");
  for (const [index, line] of lines.entries()) {
    if (line.trim() === "") continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      return Either.left(new CassetteUnreadable({ path, message: `line ${index + 1} is not JSON` }));
    }
    if (!isEntry(value)) {
      return Either.left(new CassetteUnreadable({ path, message: `line ${index + 1} is not a cassette entry` }));
    }
    entries.push(value);
  }
  return Either.right(entries);
};
