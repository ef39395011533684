import { decodeJwt, decodeProtectedHeader } from "jose";

/*
 * What the inspector shows of a token: its header and claims (never the signature), whether it is valid
 * now on the sandbox clock, and which of the sandbox's keys signed it. Bodies are shown with every JWT
 * and secret replaced, so the page never holds a live credential.
 */

const JWT = /eyJ[\w-]{4,}\.eyJ[\w-]{4,}\.[\w-]*/g;

/** Fields whose values stay hidden on the page: a 6-character prefix is enough to tell two apart. */
const SECRET_FIELDS = new Set([
  "password",
  "client_secret",
  "client_assertion",
  "assertion",
  "refresh_token",
  "code",
  "device_code",
  "user_code",
  "ctx",
  "cookie",
]);

export interface DecodedToken {
  /** Where it was found: `response.access_token`, `request.token`, … */
  field: string;
  header: Record<string, unknown>;
  claims: Record<string, unknown>;
  validity: { state: "valid" | "expired" | "not yet valid" | "no expiry"; detail: string };
  signer: string;
}

export interface KeyIds {
  entra: string[];
  acs: string[];
}

function minutes(ms: number): string {
  const m = Math.round(Math.abs(ms) / 60_000);
  return m >= 120 ? `${Math.round(m / 60)} h` : `${m} min`;
}

export function validityAt(claims: Record<string, unknown>, nowMs: number): DecodedToken["validity"] {
  const exp = typeof claims.exp === "number" ? claims.exp * 1000 : undefined;
  const nbf = typeof claims.nbf === "number" ? claims.nbf * 1000 : undefined;
  if (nbf !== undefined && nowMs < nbf)
    return { state: "not yet valid", detail: `valid in ${minutes(nbf - nowMs)}` };
  if (exp === undefined) return { state: "no expiry", detail: "no exp claim" };
  if (nowMs >= exp) return { state: "expired", detail: `expired ${minutes(nowMs - exp)} ago` };
  return { state: "valid", detail: `expires in ${minutes(exp - nowMs)}` };
}

export function signerOf(header: Record<string, unknown>, keys: KeyIds): string {
  const kid = typeof header.kid === "string" ? header.kid : undefined;
  if (!kid) return "no kid in the header";
  if (keys.entra.includes(kid)) return `Entra ID signing key ${kid}`;
  if (keys.acs.includes(kid)) return `ACS signing key ${kid}`;
  return `unknown key ${kid} (not one of this sandbox's keys)`;
}

/** Decodes one JWT; undefined when it is cut or not a JWT. */
export function decodeToken(
  jwt: string,
  field: string,
  nowMs: number,
  keys: KeyIds,
): DecodedToken | undefined {
  try {
    const header = decodeProtectedHeader(jwt) as Record<string, unknown>;
    const claims = decodeJwt(jwt) as Record<string, unknown>;
    return { field, header, claims, validity: validityAt(claims, nowMs), signer: signerOf(header, keys) };
  } catch {
    return undefined;
  }
}

function maskValue(value: string): string {
  return value.length <= 6 ? "[redacted]" : `${value.slice(0, 6)}…`;
}

/**
 * A journaled body as the page shows it, and the tokens found in it. JSON and form bodies are walked
 * field by field; anything else has its JWTs replaced.
 */
export function displayBody(
  text: string | undefined,
  side: "request" | "response",
  nowMs: number,
  keys: KeyIds,
): { text: string | undefined; tokens: DecodedToken[] } {
  if (text === undefined) return { text: undefined, tokens: [] };
  const tokens: DecodedToken[] = [];
  const scrub = (value: string, field: string): string =>
    value.replace(JWT, (jwt) => {
      const decoded = decodeToken(jwt, `${side}.${field}`, nowMs, keys);
      if (decoded) tokens.push(decoded);
      return "[jwt redacted]";
    });
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { text: scrub(text, "body"), tokens };
  }
  const walk = (value: unknown, field: string): unknown => {
    if (typeof value === "string") {
      const key = field.split(".").at(-1) ?? field;
      // The journal has already redacted what it keeps ("[redacted]", a prefix and "…"): shown as it is.
      const redacted = value === "***" || value === "[redacted]" || value.endsWith("…");
      return SECRET_FIELDS.has(key) && !redacted ? maskValue(value) : scrub(value, field);
    }
    if (Array.isArray(value)) return value.map((v, i) => walk(v, `${field}[${i}]`));
    if (value && typeof value === "object")
      return Object.fromEntries(
        Object.entries(value).map(([k, v]) => [k, walk(v, field ? `${field}.${k}` : k)]),
      );
    return value;
  };
  return { text: JSON.stringify(walk(parsed, ""), null, 2), tokens };
}
