import { describe, expect, it } from "vitest";
import { Clock } from "../../core/clock.js";
import { contentHash, MAX_CLOCK_SKEW_MS, sign, stringToSign, verifyHmac } from "../../mock-acs/hmac.js";

const primary = Buffer.alloc(32, 1).toString("base64");
const secondary = Buffer.alloc(32, 2).toString("base64");
const clock = new Clock("2026-01-15T10:00:00Z");

function signed(
  options: { key?: string; body?: string; url?: string; date?: Date; dateHeader?: "x-ms-date" | "date" } = {},
) {
  const body = options.body ?? '{"scopes":["chat"]}';
  const url = options.url ?? "/identities/8%3Aacs%3Ax/:issueAccessToken?api-version=2023-10-01";
  const date = (options.date ?? clock.now()).toUTCString();
  const dateHeader = options.dateHeader ?? "x-ms-date";
  const hash = contentHash(body);
  const signature = sign(
    options.key ?? primary,
    stringToSign("POST", url, date, "res.communication.azure.com:8443", hash),
  );
  return {
    method: "POST",
    url,
    rawBody: Buffer.from(body),
    headers: {
      host: "res.communication.azure.com:8443",
      [dateHeader]: date,
      "x-ms-content-sha256": hash,
      authorization: `HMAC-SHA256 SignedHeaders=${dateHeader};host;x-ms-content-sha256&Signature=${signature}`,
    } as Record<string, string>,
  };
}

describe("HMAC-SHA256 access-key check", () => {
  const keys = [primary, secondary];
  const now = clock.nowMs();

  it("hashes the empty body as the SDK does", () => {
    expect(contentHash("")).toBe("47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=");
  });

  it("accepts a request signed with the primary or the secondary key, over the raw path and the host with its port", () => {
    expect(verifyHmac(signed(), keys, now)).toBeUndefined();
    expect(verifyHmac(signed({ key: secondary }), keys, now)).toBeUndefined();
  });

  it("accepts the documented `Date` variant", () => {
    expect(verifyHmac(signed({ dateHeader: "date" }), keys, now)).toBeUndefined();
  });

  it("refuses a wrong key, a tampered body, a changed path or host", () => {
    expect(verifyHmac(signed({ key: Buffer.alloc(32, 9).toString("base64") }), keys, now)).toBe(
      "signature-mismatch",
    );
    const tampered = signed();
    tampered.rawBody = Buffer.from('{"scopes":["voip"]}');
    expect(verifyHmac(tampered, keys, now)).toBe("content-hash-mismatch");
    const moved = signed();
    moved.url = moved.url.replace("%3A", ":");
    expect(verifyHmac(moved, keys, now)).toBe("signature-mismatch");
    const rehosted = signed();
    rehosted.headers.host = "res.communication.azure.com";
    expect(verifyHmac(rehosted, keys, now)).toBe("signature-mismatch");
  });

  it("allows ±15 minutes of skew against the sandbox clock, not more", () => {
    const edge = MAX_CLOCK_SKEW_MS - 1000;
    expect(verifyHmac(signed({ date: new Date(now - edge) }), keys, now)).toBeUndefined();
    expect(verifyHmac(signed({ date: new Date(now + edge) }), keys, now)).toBeUndefined();
    expect(verifyHmac(signed({ date: new Date(now - 16 * 60_000) }), keys, now)).toBe("stale-date");
    expect(verifyHmac(signed({ date: new Date(now + 16 * 60_000) }), keys, now)).toBe("stale-date");
  });

  it("names each missing piece", () => {
    const request = signed();
    expect(verifyHmac({ ...request, headers: { ...request.headers, authorization: "" } }, keys, now)).toBe(
      "missing-authorization",
    );
    expect(
      verifyHmac({ ...request, headers: { ...request.headers, authorization: "SharedKey x" } }, keys, now),
    ).toBe("malformed-authorization");
    const { "x-ms-date": _date, ...noDate } = request.headers;
    expect(verifyHmac({ ...request, headers: noDate }, keys, now)).toBe("missing-date");
    const { "x-ms-content-sha256": _hash, ...noHash } = request.headers;
    expect(verifyHmac({ ...request, headers: noHash }, keys, now)).toBe("missing-content-hash");
  });
});
