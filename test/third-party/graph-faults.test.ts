import { afterEach, describe, expect, it } from "vitest";
import { suiteSandbox } from "../../harness/transports/vitest.js";
import { user } from "../support/modes.js";
import { graphAsUser, graphFailure } from "./graph-support.js";

/*
 * Fault rules on Microsoft Graph answer in Graph's own error shape, so the Graph SDK
 * (@microsoft/microsoft-graph-client) reacts as against graph.microsoft.com: its retry handler waits out
 * a 429 or 503 and tries again, a 500 surfaces as a GraphError with Graph's code.
 */

describe("fault rules on Microsoft Graph, through the Graph SDK (intercept mode)", () => {
  const sb = suiteSandbox({ mode: "intercept" });
  afterEach(async () => {
    await sb.reset();
  });

  it("the SDK waits out one throttled /me (429 TooManyRequests) and gets the answer", async () => {
    // #region graph-throttle
    const rule = sb.faults.add({
      service: "graph",
      operation: "graphMe",
      status: 429,
      retryAfter: 0,
      times: 1,
    });
    const me = await graphAsUser(sb, "carol").api("/me").get();
    expect(me).toMatchObject({ id: user(sb, "carol").objectId });
    const attempts = sb.requests({ operation: "graphMe" });
    expect(attempts.map((e) => [e.status, e.errorCode, e.fault?.id])).toEqual([
      [429, "TooManyRequests", rule.id],
      [200, undefined, undefined],
    ]);
    // #endregion graph-throttle
  });

  it("a throttle that lasts surfaces, after the SDK's 3 retries, as Graph's 429 body", async () => {
    sb.faults.add({ operation: "graphListUsers", status: 429, retryAfter: 0 });
    const failure = await graphFailure(graphAsUser(sb, "carol").api("/users").get());
    expect(failure).toEqual({
      statusCode: 429,
      code: "TooManyRequests",
      message: "Please retry again later.",
    });
    expect(sb.countRequests({ operation: "graphListUsers" })).toBe(4);

    // The wire form, as Graph's throttling guidance shows it: innerError with the status, and the
    // request ids the response headers carry.
    const [entry] = sb.requests({ operation: "graphListUsers" });
    const body = JSON.parse(entry!.responseBody!) as {
      error: { code: string; message: string; innerError: Record<string, string> };
    };
    expect(body.error.innerError).toMatchObject({
      code: "429",
      message: "Please retry after",
      status: "429",
      date: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/),
      "request-id": expect.stringMatching(/^[0-9a-f-]{36}$/),
    });
  });

  it("a 503 (serviceNotAvailable) is retried once and the grant list answers", async () => {
    sb.faults.add({ operation: "graphListGrants", status: 503, retryAfter: 0, times: 1 });
    const grants = await graphAsUser(sb, "carol").api("/oauth2PermissionGrants").get();
    expect(grants.value).toEqual(expect.any(Array));
    expect(sb.requests({ operation: "graphListGrants" }).map((e) => [e.status, e.errorCode])).toEqual([
      [503, "serviceNotAvailable"],
      [200, undefined],
    ]);
  });

  it("a 500 is not retried by the SDK: a GraphError with generalException", async () => {
    sb.faults.add({ service: "graph", status: 500, times: 1 });
    const failure = await graphFailure(graphAsUser(sb, "carol").api("/organization").get());
    expect(failure).toEqual({
      statusCode: 500,
      code: "generalException",
      message: "An unspecified error has occurred.",
    });
    expect(sb.requests({ service: "graph" }).map((e) => e.status)).toEqual([500]);
    // Entra ID, which issued the token, is another service: the rule left it alone.
    expect(sb.requests({ service: "entra", status: 500 })).toEqual([]);
  });
});
