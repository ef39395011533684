import { explainAnswer, type Explanation } from "../explain.js";
import type { JournalEntry } from "../journal.js";
import { queryJournal, type RequestFilter } from "../journal-query.js";
import { displayBody, decodeToken, validityAt, signerOf, type DecodedToken, type KeyIds } from "./tokens.js";

/**
 * A journal entry as the inspector lists it: bodies masked, tokens decoded, errors explained, and the
 * refusal's `reason` (which HMAC or bearer check failed) kept from the journal.
 */
export interface TrafficEntry extends Omit<JournalEntry, "requestBody" | "responseBody" | "tokens"> {
  requestBody?: string;
  responseBody?: string;
  tokens: DecodedToken[];
  explanation?: Pick<Explanation, "code" | "service" | "cause" | "fix" | "scenarios">;
}

type JournaledToken = { field?: string; header?: Record<string, unknown>; claims?: Record<string, unknown> };

/** Tokens the journal already describes (`entry.tokens`: header and claims, never the signature). */
function journaledTokens(entry: JournalEntry, nowMs: number, keys: KeyIds): DecodedToken[] {
  const listed = (entry as { tokens?: JournaledToken[] }).tokens ?? [];
  return listed.map((t) => {
    const header = t.header ?? {};
    const claims = t.claims ?? {};
    return {
      // The journal names where a token was (`responseBody.access_token`); the page says request/response.
      field: (t.field ?? "token")
        .replace(/^responseBody\./, "response.")
        .replace(/^requestBody\./, "request."),
      header,
      claims,
      validity: validityAt(claims, nowMs),
      signer: signerOf(header, keys),
    };
  });
}

/** Newest first, as a person reads traffic. */
export function trafficView(
  entries: JournalEntry[],
  filter: RequestFilter,
  nowMs: number,
  keys: KeyIds,
): TrafficEntry[] {
  return queryJournal(entries, filter)
    .reverse()
    .map((entry) => {
      const { requestBody, responseBody, ...rest } = entry;
      const request = displayBody(requestBody, "request", nowMs, keys);
      const response = displayBody(responseBody, "response", nowMs, keys);
      // By the answering service too: ACS's NotFound and ARM's are different codes.
      const found = entry.errorCode ? explainAnswer(entry.errorCode, entry.service) : undefined;
      return {
        ...rest,
        ...(request.text !== undefined ? { requestBody: request.text } : {}),
        ...(response.text !== undefined ? { responseBody: response.text } : {}),
        tokens: [...journaledTokens(entry, nowMs, keys), ...request.tokens, ...response.tokens],
        ...(found
          ? {
              explanation: {
                code: found.code,
                service: found.service,
                cause: found.cause,
                fix: found.fix,
                scenarios: found.scenarios,
              },
            }
          : {}),
      };
    });
}

export { decodeToken };
