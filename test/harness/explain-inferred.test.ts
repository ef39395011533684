import { describe, expect, it } from "vitest";
import { explain, formatExplanation } from "../../harness/sandbox/explain.js";

/* `explain` tells a recorded ACS answer from a guessed one, so nobody mistakes the sandbox's guess for Azure's. */

describe("explain and the evidence of ACS errors", () => {
  it("says an /access/* error is inferred, and names its reproducing scenario", () => {
    const found = explain("AccessAssignmentNotFound").found!;
    const text = formatExplanation(found);
    expect(text).toContain("AccessAssignmentNotFound  (ACS Identity, HTTP 403)");
    expect(text).toContain(
      "Source inferred, not recorded: [infer] The /access/* errors are not documented publicly",
    );
    expect(text).toContain("scenarios/teams-extension-user-not-assigned.yaml");
    expect(found.scenarios).toContain("entra-users-no-assignment");
  });

  it("marks the guessed parts of a partly recorded answer", () => {
    const partly = formatExplanation(explain("InvalidAccessToken").found!);
    expect(partly).toContain(
      "Source recorded, with inferred parts: §3 (recorded for empty, malformed and expired tokens",
    );
    expect(formatExplanation(explain("IdentityNotOwned").found!)).toContain(
      "Source recorded, with inferred parts: §1.4 (recorded).",
    );
  });
});
