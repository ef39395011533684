import { CommunicationServiceManagementClient } from "@azure/arm-communication";
import { afterEach, describe, expect, it } from "vitest";
import { suiteSandbox } from "../../harness/transports/vitest.js";
import { rejection } from "../support/rest-error.js";
import { user } from "../support/modes.js";
import { admin, ARM_WORLD, resourceGroupOf, subscriptionId } from "./arm-support.js";

/*
 * Fault rules on Azure Resource Manager answer in ARM's own shape, so @azure/arm-communication (Azure
 * Core's retry policy) reacts as against management.azure.com: it waits out a 429 or 503 as Retry-After
 * says and tries again, and a failure it gives up on is a RestError with ARM's code and message.
 */

describe("fault rules on ARM, through @azure/arm-communication (intercept mode)", () => {
  const sb = suiteSandbox({ mode: "intercept", world: ARM_WORLD });
  afterEach(async () => {
    await sb.reset();
  });
  const group = () => resourceGroupOf(sb.descriptor.acs.find((a) => a.name === "contoso-acs")!.armId);
  /** The admin's client; `maxRetries: 0` shows the first answer as the SDK surfaces it. */
  const client = (maxRetries?: number) =>
    new CommunicationServiceManagementClient(admin(sb, "contoso", "carol"), subscriptionId(sb, "contoso"), {
      ...(maxRetries !== undefined ? { retryOptions: { maxRetries } } : {}),
    });

  it("the SDK waits out one throttled read (429 SubscriptionRequestsThrottled) and gets the resource", async () => {
    // #region arm-throttle
    const rule = sb.faults.add({
      service: "arm",
      operation: "armGetCommunicationService",
      status: 429,
      retryAfter: 0,
      times: 1,
    });
    const got = await client().communicationServices.get(group(), "contoso-acs");
    expect(got.name).toBe("contoso-acs");
    const attempts = sb.requests({ operation: "armGetCommunicationService" });
    expect(attempts.map((e) => [e.status, e.errorCode, e.fault?.id])).toEqual([
      [429, "SubscriptionRequestsThrottled", rule.id],
      [200, undefined, undefined],
    ]);
    // #endregion arm-throttle
  });

  it("a throttled read the SDK does not retry is ARM's 429 body, naming the subscription and the caller", async () => {
    sb.faults.add({ operation: "armListCommunicationServiceKeys", status: 429, retryAfter: 7 });
    const subscription = subscriptionId(sb, "contoso");
    expect(await rejection(client(0).communicationServices.listKeys(group(), "contoso-acs"))).toEqual({
      statusCode: 429,
      code: "SubscriptionRequestsThrottled",
      // listKeys is a POST: ARM counts it as a write.
      message: `Number of 'write' requests for subscription '${subscription}' actor '${user(sb, "carol").objectId}' exceeded. Please try again after '7' seconds after additional tokens are available. Refer to https://aka.ms/arm-throttling for additional information.`,
    });
  });

  it("a 503 is retried by the SDK and the resource list answers", async () => {
    sb.faults.add({
      operation: "armListCommunicationServicesByResourceGroup",
      status: 503,
      retryAfter: 0,
      times: 1,
    });
    const names = [];
    for await (const r of client().communicationServices.listByResourceGroup(group())) names.push(r.name);
    expect(names).toEqual(["contoso-acs"]);
    expect(
      sb
        .requests({ operation: "armListCommunicationServicesByResourceGroup" })
        .map((e) => [e.status, e.errorCode]),
    ).toEqual([
      [503, "ServiceUnavailable"],
      [200, undefined],
    ]);
  });

  it("a 500 is ARM's InternalServerError with its diagnostic information", async () => {
    sb.faults.add({ service: "arm", status: 500, times: 1 });
    const failure = await rejection(client(0).communicationServices.get(group(), "contoso-acs"));
    const [entry] = sb.requests({ service: "arm", status: 500 });
    expect(failure).toMatchObject({ statusCode: 500, code: "InternalServerError" });
    expect(failure.message).toMatch(
      new RegExp(
        `^Encountered internal server error\\. Diagnostic information: timestamp '\\d{8}T\\d{6}Z', subscription id '${subscriptionId(sb, "contoso")}', tracking id '[0-9a-f-]{36}', request correlation id '[0-9a-f-]{36}'\\.$`,
      ),
    );
    expect(entry!.fault?.kind).toBe("status");
  });

  it("a tenant-level request (the subscriptions list) is throttled as TenantRequestsThrottled", async () => {
    sb.faults.add({ operation: "armListSubscriptions", status: 429, retryAfter: 3 });
    const token = await admin(sb, "contoso", "carol").getToken("https://management.azure.com/.default");
    const response = await fetch("https://management.azure.com/subscriptions?api-version=2022-12-01", {
      headers: { authorization: `Bearer ${token!.token}` },
    });
    expect(response.status).toBe(429);
    expect(response.headers.get("retry-after")).toBe("3");
    expect(response.headers.get("x-ms-correlation-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    expect(await response.json()).toEqual({
      error: {
        code: "TenantRequestsThrottled",
        message: `Number of 'read' requests for tenant '${sb.descriptor.tenants.find((t) => t.name === "contoso")!.id}' actor '${user(sb, "carol").objectId}' exceeded. Please try again after '3' seconds after additional tokens are available. Refer to https://aka.ms/arm-throttling for additional information.`,
      },
    });
  });
});
