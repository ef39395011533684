import { CommunicationIdentityClient } from "@azure/communication-identity";
import { afterEach, describe, expect, it } from "vitest";
import type { RunningSandbox } from "../../harness/index.js";
import { MODES } from "../support/modes.js";
import { rejection } from "../support/rest-error.js";
import { signInWithPassword } from "./entra-support.js";
import { suiteSandbox } from "../../harness/transports/vitest.js";

/*
 * The Identity SDK against ACS faults: its retry policy (throttling strategy on 429/503 with
 * Retry-After, exponential strategy on 5xx) and its errors, counted in the sandbox journal. Retry
 * delays are kept tiny (Retry-After 0, retryDelayInMs 1) so no test waits.
 */

const RETRIES = 2;

function identityClient(sb: RunningSandbox) {
  return new CommunicationIdentityClient(sb.descriptor.acs[0]!.connectionString, {
    retryOptions: { maxRetries: RETRIES, retryDelayInMs: 1, maxRetryDelayInMs: 5 },
  });
}

describe.each(MODES)("ACS faults through the Identity SDK (%s mode)", (mode) => {
  const sb = suiteSandbox({ mode, port: 0 });
  afterEach(async () => {
    await sb.reset();
  });

  it("retries a 429 with Retry-After and succeeds once the rule is spent", async () => {
    // #region acs-throttle
    const rule = sb.faults.add({
      service: "acs",
      operation: "createIdentity",
      status: 429,
      retryAfter: 0,
      times: 2,
    });
    const user = await identityClient(sb).createUser();
    expect(user.communicationUserId).toMatch(/^8:acs:/);
    expect(sb.countRequests({ operation: "createIdentity" })).toBe(3);
    const throttled = sb.requests({ operation: "createIdentity", status: 429 });
    expect(throttled).toHaveLength(2);
    expect(throttled[0]!.fault).toEqual({ id: rule.id, kind: "status" });
    expect(throttled[0]!.errorCode).toBe("TooManyRequests");
    expect(sb.requests({ operation: "createIdentity", status: 201 })[0]!.fault).toBeUndefined();
    // #endregion acs-throttle
  });

  it("does not retry a 429 without Retry-After: only that header makes the SDK wait and retry", async () => {
    sb.faults.add({ service: "acs", operation: "createIdentity", status: 429, retryAfter: false, times: 1 });
    const err = await rejection(identityClient(sb).createUser());
    expect(err).toMatchObject({ statusCode: 429, code: "TooManyRequests" });
    expect(sb.countRequests({ operation: "createIdentity" })).toBe(1);
  });

  it("gives up after its retries on a 503 that does not stop, with ACS's error", async () => {
    sb.faults.add({ service: "acs", operation: "createIdentity", status: 503, retryAfter: 0 });
    const err = await rejection(identityClient(sb).createUser());
    expect(err).toEqual({
      statusCode: 503,
      code: "ServiceUnavailable",
      message: "The service is temporarily unavailable. Please retry later.",
    });
    expect(sb.countRequests({ operation: "createIdentity", status: 503, fault: true })).toBe(1 + RETRIES);
  });

  it("retries a 500 with exponential back-off, then gives up", async () => {
    sb.faults.add({ service: "acs", operation: "issueToken", status: 500 });
    const client = identityClient(sb);
    const user = await client.createUser();
    const err = await rejection(client.getToken(user, ["chat"]));
    expect(err).toEqual({
      statusCode: 500,
      code: "InternalServerError",
      message: "An internal error occurred.",
    });
    expect(sb.countRequests({ operation: "issueToken" })).toBe(1 + RETRIES);
    expect(sb.countRequests({ operation: "createIdentity" })).toBe(1);
  });

  it("throttles the exchange for one app only, and the back end gets its token after the retry", async () => {
    const signedIn = await signInWithPassword(sb, { user: "alice" });
    const appId = String((signedIn!.idTokenClaims as { aud?: string }).aud);
    sb.faults.add({
      service: "acs",
      operation: "exchange",
      clientId: "00000000-0000-0000-0000-000000000001",
      status: 429,
    });
    sb.faults.add({
      service: "acs",
      operation: "exchange",
      clientId: appId,
      status: 429,
      retryAfter: 0,
      times: 1,
    });
    const result = await identityClient(sb).getTokenForTeamsUser({
      teamsUserAadToken: signedIn!.accessToken,
      clientId: appId,
      userObjectId: signedIn!.uniqueId,
    });
    expect(result.token.split(".")).toHaveLength(3);
    expect(sb.countRequests({ operation: "exchange", client: appId })).toBe(2);
    expect(sb.countRequests({ operation: "exchange", status: 429, client: appId })).toBe(1);
    // The contract a back end's test states: the user's password never went through the exchange path.
    expect(sb.countRequests({ service: "acs", body: "password" })).toBe(0);
  });

  // Each injected status answers with the body the service sends for it, as the SDK's RestError shows it.
  it.each([
    [400, "ValidationError", "The request is invalid."],
    [401, "Denied", "Denied by the resource provider."],
    [403, "Forbidden", "Forbidden."],
    [404, "NotFound", "The requested resource was not found."],
    [409, "Conflict", "Conflict."],
    [429, "TooManyRequests", "Too many requests. Retry after the time the Retry-After header gives."],
    [500, "InternalServerError", "An internal error occurred."],
    [503, "ServiceUnavailable", "The service is temporarily unavailable. Please retry later."],
  ])("a %i fault answers with ACS's %s body", async (status, code, message) => {
    sb.faults.add({ service: "acs", operation: "createIdentity", status, retryAfter: 0 });
    const err = await rejection(identityClient(sb).createUser());
    expect(err).toEqual({ statusCode: status, code, message });
    // Sent chunked, as Azure sends its error bodies, and still journaled.
    expect(sb.requests({ operation: "createIdentity" })[0]!.responseBody).toMatch(/^\{"error":\{"code":/);
  });

  it("a 429 fault carries the rule's Retry-After to the SDK's RestError", async () => {
    sb.faults.add({ service: "acs", operation: "createIdentity", status: 429, retryAfter: 7 });
    const client = new CommunicationIdentityClient(sb.descriptor.acs[0]!.connectionString, {
      retryOptions: { maxRetries: 0 },
    });
    const err = (await client.createUser().then(
      () => undefined,
      (e: unknown) => e,
    )) as { response?: { headers: { get(name: string): string | undefined } } };
    expect(err).toMatchObject({ statusCode: 429, code: "TooManyRequests" });
    expect(err.response?.headers.get("retry-after")).toBe("7");
  });

  it("turns a dropped connection into the SDK's network error", async () => {
    sb.faults.add({ service: "acs", operation: "createIdentity", drop: true });
    const err = (await identityClient(sb)
      .createUser()
      .then(
        () => undefined,
        (e: unknown) => e,
      )) as { code?: string; name?: string; statusCode?: number } | undefined;
    expect(err?.name).toBe("RestError");
    expect(err?.statusCode).toBeUndefined();
    // A reset socket (server mode) is ECONNRESET, which the SDK retries; msw's network error (intercept
    // mode) has no system code, so the SDK reports REQUEST_SEND_ERROR and does not retry it.
    const [code, attempts] = mode === "server" ? ["ECONNRESET", 1 + RETRIES] : ["REQUEST_SEND_ERROR", 1];
    expect(err?.code).toBe(code);
    expect(sb.requests({ operation: "createIdentity" }).map((e) => [e.status, e.fault?.kind])).toEqual(
      Array.from({ length: attempts }, () => [0, "drop"]),
    );
  });

  it("adds latency without changing the answer", async () => {
    sb.faults.add({ service: "acs", operation: "createIdentity", latency: { min: "5ms", max: "20ms" } });
    const user = await identityClient(sb).createUser();
    expect(user.communicationUserId).toMatch(/^8:acs:/);
    const [entry] = sb.requests({ operation: "createIdentity" });
    expect(entry).toMatchObject({ status: 201, fault: { kind: "latency" } });
  });

  it("holds the connection on a timeout until the client's own abort", async () => {
    sb.faults.add({ service: "acs", operation: "createIdentity", timeout: "1m" });
    const err = await identityClient(sb)
      .createUser({ abortSignal: AbortSignal.timeout(200) })
      .then(
        () => undefined,
        (e: { name?: string }) => e,
      );
    expect(err?.name).toBe("AbortError");
    expect(sb.faults.list()[0]!.hits).toBe(1);
  });
});
