import { createHash, createHmac, timingSafeEqual } from "node:crypto";

/*
 * The server side of ACS's HMAC-SHA256 access-key scheme, exactly as reference §2.1 verified it against
 * the SDK: the raw path and query as received, the Host header with its port, the date from
 * `x-ms-date` (or `Date`), and the SHA-256 of the raw body bytes.
 */

/** [infer] ACS does not document its replay window; Azure App Configuration's identical scheme uses ±15 minutes. */
export const MAX_CLOCK_SKEW_MS = 15 * 60 * 1000;

export interface SignedRequest {
  method: string;
  /** Path and query exactly as received, percent-encoding intact. */
  url: string;
  headers: Record<string, string | string[] | undefined>;
  rawBody: Buffer;
}

/** Why a request failed the check; all reasons get the same 401 on the wire, the reason is for the journal. */
export type HmacFailure =
  | "missing-authorization"
  | "malformed-authorization"
  | "missing-date"
  | "stale-date"
  | "missing-content-hash"
  | "content-hash-mismatch"
  | "signature-mismatch";

const AUTHORIZATION = /^HMAC-SHA256\s+SignedHeaders=([^&]+)&Signature=(.+)$/i;

function header(headers: SignedRequest["headers"], name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** base64(SHA-256(body)); the empty body hashes to `47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=`. */
export function contentHash(body: Buffer | string): string {
  return createHash("sha256").update(body).digest("base64");
}

/** The string both sides sign. */
export function stringToSign(
  method: string,
  pathAndQuery: string,
  date: string,
  host: string,
  hash: string,
): string {
  return `${method.toUpperCase()}\n${pathAndQuery}\n${date};${host};${hash}`;
}

/** base64(HMAC-SHA256(base64-decoded access key, string to sign)). */
export function sign(accessKey: string, message: string): string {
  return createHmac("sha256", Buffer.from(accessKey, "base64")).update(message, "utf8").digest("base64");
}

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/**
 * Checks a request against the resource's access keys (primary or secondary, so keys can be rotated).
 *
 * @example
 * verifyHmac(request, [resource.primaryKey, resource.secondaryKey], clock.nowMs(), (ms) => clock.fromClientTime(ms))
 * // undefined when valid
 */
export function verifyHmac(
  request: SignedRequest,
  accessKeys: string[],
  nowMs: number,
  /** Maps the client's date onto sandbox time (see Clock.fromClientTime); identity when omitted. */
  toSandboxTime: (clientMs: number) => number = (ms) => ms,
): HmacFailure | undefined {
  const authorization = header(request.headers, "authorization");
  if (!authorization) return "missing-authorization";
  const parsed = AUTHORIZATION.exec(authorization.trim());
  if (!parsed) return "malformed-authorization";
  const signedHeaders = parsed[1]!.toLowerCase().split(";");
  const signature = parsed[2]!;

  // The documented variant signs `date` instead of `x-ms-date`; the date slot takes whichever was signed.
  const dateHeader = signedHeaders.includes("x-ms-date") ? "x-ms-date" : "date";
  const date = header(request.headers, dateHeader);
  if (!date) return "missing-date";
  const at = Date.parse(date);
  if (Number.isNaN(at) || Math.abs(toSandboxTime(at) - nowMs) > MAX_CLOCK_SKEW_MS) return "stale-date";

  const claimedHash = header(request.headers, "x-ms-content-sha256");
  if (!claimedHash) return "missing-content-hash";
  const hash = contentHash(request.rawBody);
  if (!sameText(hash, claimedHash)) return "content-hash-mismatch";

  const message = stringToSign(
    request.method,
    request.url,
    date,
    header(request.headers, "host") ?? "",
    hash,
  );
  const valid = accessKeys.some((key) => sameText(sign(key, message), signature));
  return valid ? undefined : "signature-mismatch";
}
