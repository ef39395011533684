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
