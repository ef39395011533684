import { describe, expect, it } from "vitest";
import { explain, formatExplanation } from "../../harness/operator/explain.js";

/* `explain` tells a recorded ACS answer from a guessed one, so nobody mistakes the sandbox's guess for Azure's. */

describe("explain and the evidence of ACS errors", () => {
  it("says an /access/* error is inferred, and names its reproducing scenario", () => {
    const found = explain("AccessAssignmentNotFound").found!;
    const text = formatExplanation(found);
    expect(text).toContain("AccessAssignmentNotFound  (ACS Identity, HTTP 403)");
    expect(text).toContain("Inferred  The /access/* errors are not documented publicly");
    expect(text).not.toContain("Recorded  ");
    expect(text).toContain("npx acs-sandbox run teams-extension-user-not-assigned");
    expect(found.scenarios).toContain("entra-users-no-assignment");
  });

  it("marks the guessed parts of a partly recorded answer", () => {
    const partly = formatExplanation(explain("InvalidAccessToken").found!);
    expect(partly).toContain(
      "Recorded  Azure/azure-sdk-for-net sdk/communication/Azure.Communication.Identity/tests/SessionRecords/CommunicationIdentityClientLiveTests/GetTokenForTeamsUserWithEmptyTokenShouldThrow.json",
    );
    expect(partly).toContain("Inferred  the /access/* exchanges answer a bad bearer token the same way.");
    const notOwned = formatExplanation(explain("IdentityNotOwned").found!);
    expect(notOwned).toMatch(
      /Recorded {2}Azure\/azure-sdk-for-js .*recording_throws_an_error_when_attempting_to_delete_an_invalid_user\.json/,
    );
    expect(notOwned).toContain("Inferred  ");
  });
});
