import { describe, expect, it } from "vitest";
import { journalRequestBody, journalResponseBody } from "../../harness/operator/journal.js";

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
