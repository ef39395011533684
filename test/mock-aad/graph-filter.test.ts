import { describe, expect, it } from "vitest";
import { GraphError } from "../../mock-aad/graph/errors.js";
import { matches, parseFilter } from "../../mock-aad/graph/filter.js";

const sp = {
  appId: "1fd5118e-2576-4263-8130-9503064c837a",
  displayName: "Azure Communication Services",
  servicePrincipalNames: [
    "1fd5118e-2576-4263-8130-9503064c837a",
    "https://auth.msft.communication.azure.com",
  ],
  accountEnabled: true,
  verifiedPublisher: { displayName: null },
};

const holds = (filter: string) => matches(sp, parseFilter(filter));

function refusal(filter: string): string {
  try {
    parseFilter(filter);
  } catch (err) {
    expect(err).toBeInstanceOf(GraphError);
    expect((err as GraphError).graphCode).toBe("Request_BadRequest");
    return (err as GraphError).message;
  }
  throw new Error(`expected ${filter} to be refused`);
}

describe("Graph $filter parser", () => {
  it("reads eq and ne on strings (any case), booleans and null, and nested properties", () => {
    expect(holds("appId eq '1FD5118E-2576-4263-8130-9503064C837A'")).toBe(true);
    expect(holds("displayName ne 'Azure Communication Services'")).toBe(false);
    expect(holds("accountEnabled eq true")).toBe(true);
    expect(holds("verifiedPublisher/displayName eq null")).toBe(true);
  });

  it("reads startswith and any() over string collections", () => {
    expect(holds("startswith(displayName,'azure comm')")).toBe(true);
    expect(holds("servicePrincipalNames/any(c:c eq 'https://auth.msft.communication.azure.com')")).toBe(true);
    expect(holds("servicePrincipalNames/any(x:x eq 'nothing')")).toBe(false);
  });

  it("combines with and, or, not and parentheses, and reads doubled quotes", () => {
    expect(holds("startswith(displayName,'Azure') and (appId eq 'x' or accountEnabled eq true)")).toBe(true);
    expect(holds("not (accountEnabled eq true)")).toBe(false);
    expect(parseFilter("displayName eq 'O''Brien'")).toEqual({
      kind: "compare",
      op: "eq",
      path: ["displayName"],
      value: "O'Brien",
    });
  });

  it("refuses what it does not read, saying why", () => {
    expect(refusal("displayName eq")).toBe("Invalid filter clause: unexpected end of 'displayName eq'.");
    expect(refusal("displayName eq 'x")).toMatch(/unterminated string literal/);
    expect(refusal("createdDateTime gt 2020")).toMatch(/operator 'gt' is not supported/);
    expect(refusal("endswith(displayName,'x')")).toMatch(/function 'endswith' is not supported/);
    expect(refusal("servicePrincipalNames/all(c:c eq 'x')")).toMatch(/'all' lambda operator/);
    expect(refusal("servicePrincipalNames/any(c:d eq 'x')")).toMatch(/not the lambda variable/);
    expect(refusal("")).toBe("Invalid filter clause: the filter is empty.");
  });
});
