import { describe, expect, it } from "vitest";
import { journalRequestBody, journalResponseBody } from "../../harness/operator/journal.js";
import { Redactor } from "../../harness/operator/redaction.js";

describe("request journal bodies", () => {
  it("masks secrets and cuts long values of a form body", () => {
    const body = journalRequestBody({
      grant_type: "password",
      password: "Passw0rd!",
      client_secret: "contoso-backend-secret",
      scope: "x".repeat(200),
    });
    expect(JSON.parse(body!)).toEqual({
      grant_type: "password",
      password: "[redacted]",
      client_secret: "[redacted]",
      scope: `${"x".repeat(79)}…`,
    });
  });

  it("reads a raw JSON body and leaves an empty one out", () => {
    expect(journalRequestBody(Buffer.from('{"scopes":["chat"]}'))).toBe('{"scopes":["chat"]}');
    expect(journalRequestBody(Buffer.alloc(0))).toBeUndefined();
  });

  it("names an HTML answer by its heading and keeps JSON as sent", () => {
    expect(journalResponseBody("<html><h1>Need admin approval</h1></html>", "text/html; charset=utf-8")).toBe(
      "<html page: Need admin approval>",
    );
    expect(journalResponseBody('{"error":"invalid_grant"}', "application/json")).toBe(
      '{"error":"invalid_grant"}',
    );
  });
});

describe("redaction by place, not by shape", () => {
  it("keeps ACS error codes and messages whole in JSON bodies", () => {
    const answer = JSON.stringify({
      error: { code: "ValidationError", message: "Provided AppId has invalid format.", target: "appId" },
    });
    expect(journalResponseBody(answer, "application/json")).toBe(answer);
    const denied = '{"error":{"code":"InvalidAccessToken","message":"Provided access token is not valid."}}';
    expect(journalResponseBody(denied, "application/json")).toBe(denied);
  });

  it("still cuts an authorization code in a form body and a redirect URL, and the ACS exchange's token", () => {
    const form = JSON.parse(
      journalRequestBody({ grant_type: "authorization_code", code: "1.AbC9xyzSecret" })!,
    );
    expect(form.code).toBe("1.AbC9…");
    const redactor = new Redactor();
    expect(redactor.url("/cb?code=1.AbC9xyzSecret&state=s1")).toBe("/cb?code=1.AbC9…&state=s1");
    const exchange = JSON.parse(journalRequestBody(Buffer.from('{"token":"not-a-jwt-but-secret"}'))!);
    expect(exchange.token).toBe("not-a-…");
  });
});

describe("a JWT in the journal", () => {
  const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
  const signature = "c2lnbmF0dXJlLW9mLWEtbGl2ZS10b2tlbg";
  const token = `${b64({ typ: "JWT", alg: "RS256", kid: "k1" })}.${b64({ aud: "https://communication.azure.com", oid: "alice" })}.${signature}`;

  it("is kept as its header and claims, never its signature, read when asked for", () => {
    const redactor = new Redactor();
    const body = journalResponseBody(JSON.stringify({ access_token: token }), "application/json", redactor);
    expect(body).toBe('{"access_token":"[jwt redacted]"}');
    const [kept] = redactor.tokens;
    expect(kept).toMatchObject({
      field: "responseBody.access_token",
      header: { alg: "RS256", kid: "k1" },
      claims: { aud: "https://communication.azure.com", oid: "alice" },
    });
    // As the admin API, the debug log and a shared store's log write it out.
    const written = JSON.stringify(redactor.tokens);
    expect(JSON.parse(written)).toEqual([
      {
        field: "responseBody.access_token",
        header: { typ: "JWT", alg: "RS256", kid: "k1" },
        claims: { aud: "https://communication.azure.com", oid: "alice" },
      },
    ]);
    expect(written).not.toContain(signature);
  });

  it("that does not decode is still redacted, with nothing to show", () => {
    const redactor = new Redactor();
    const mangled = `eyJub3QtanNvbg.eyJhbHNvLW5vdA.${signature}`;
    expect(journalResponseBody(JSON.stringify({ token: mangled }), "application/json", redactor)).toBe(
      '{"token":"[jwt redacted]"}',
    );
    expect(JSON.parse(JSON.stringify(redactor.tokens))).toEqual([
      { field: "responseBody.token", header: {}, claims: {} },
    ]);
  });
});
