import { describe, expect, it } from "vitest";
import {
  newestFor,
  NEWEST_API_VERSION,
  resolveApiVersion,
  SDK_DEFAULT_API_VERSION,
  supportedVersionsHeader,
} from "../../mock-acs/api-versions.js";
import { AcsError } from "../../mock-acs/errors.js";

const strict = { loose: false, requestUri: "https://contoso-acs.communication.azure.com/identities" };

function failure(fn: () => unknown): AcsError {
  try {
    fn();
  } catch (err) {
    if (err instanceof AcsError) return err;
    throw err;
  }
  throw new Error("expected an AcsError");
}

describe("api-versions", () => {
  it("serves the SDK's 2023-10-01 with the join scopes and expiresInMinutes", () => {
    const v = resolveApiVersion("issueToken", "2023-10-01", strict);
    expect(v.scopes).toEqual(["chat", "voip", "chat.join", "chat.join.limited", "voip.join"]);
    expect(v.expiresInMinutes).toBe(true);
    expect(SDK_DEFAULT_API_VERSION).toBe("2023-10-01");
    expect(NEWEST_API_VERSION.name).toBe("2026-09-23");
  });

  it("knows what older versions lack", () => {
    expect(resolveApiVersion("issueToken", "2021-03-07", strict).expiresInMinutes).toBe(false);
    expect(resolveApiVersion("issueToken", "2022-10-01", strict).scopes).toEqual(["chat", "voip"]);
    expect(resolveApiVersion("exchange", "2021-10-31-preview", strict).exchangeBody).toBe("token-only");
    expect(resolveApiVersion("exchange", "2022-06-01", strict).exchangeBody).toBe("token-app-user");
    expect(resolveApiVersion("createIdentity", "2023-08-01", strict).repeatability).toBe(true);
  });

  it("has no Teams exchange in 2021-03-07", () => {
    const err = failure(() => resolveApiVersion("exchange", "2021-03-07", strict));
    expect(err.code).toBe("UnsupportedApiVersion");
    expect(supportedVersionsHeader("exchange")).not.toContain("2021-03-07");
    expect(supportedVersionsHeader("createIdentity")).toContain("2021-03-07");
  });

  it("answers an unknown version with exactly the recorded wording; the supported list and what to do are the hint", () => {
    const err = failure(() => resolveApiVersion("createIdentity", "2020-07-20-preview", strict));
    expect(err.status).toBe(400);
    expect(err.code).toBe("UnsupportedApiVersion");
    expect(err.message).toBe(
      "The HTTP resource that matches the request URI 'https://contoso-acs.communication.azure.com/identities' does not support the API version '2020-07-20-preview'.",
    );
    expect(err.hint).toContain("2023-10-01");
    expect(err.hint).toContain("--loose");
  });

  it("asks for a version when none is given", () => {
    const err = failure(() => resolveApiVersion("createIdentity", undefined, strict));
    expect(err.code).toBe("ApiVersionUnspecified");
    expect(err.message).toBe("An API version is required, but was not specified.");
    expect(err.hint).toContain("--loose");
  });

  it("in loose mode serves any version as the newest that has the operation", () => {
    expect(resolveApiVersion("createIdentity", "2099-01-01", { ...strict, loose: true })).toBe(
      NEWEST_API_VERSION,
    );
    expect(resolveApiVersion("createIdentity", undefined, { ...strict, loose: true })).toBe(
      NEWEST_API_VERSION,
    );
    expect(resolveApiVersion("getIdentity", "2099-01-01", { ...strict, loose: true }).name).toBe(
      "2025-03-02-preview",
    );
    expect(newestFor("entraExchange").name).toBe("2025-03-02-preview");
  });

  it("lists per operation what the real service lists (recorded Oct 2023, plus the 2025–2026 versions)", () => {
    expect(supportedVersionsHeader("createIdentity")).toBe(
      "2020-07-20-preview2, 2021-02-22-preview1, 2021-03-07, 2021-10-31-preview, 2021-11-01, 2022-06-01, 2022-10-01, 2023-10-01, 2025-03-02-preview, 2025-06-30, 2026-07-22, 2026-09-23",
    );
    expect(supportedVersionsHeader("issueToken")).toBe(supportedVersionsHeader("createIdentity"));
    expect(supportedVersionsHeader("exchange")).toBe(
      "2021-10-31-preview, 2022-06-01, 2022-10-01, 2023-10-01, 2025-03-02-preview, 2025-06-30, 2026-07-22, 2026-09-23",
    );
    expect(supportedVersionsHeader("teamsExtensionExchange")).toBe(
      "2025-03-02-preview, 2025-06-30, 2026-07-22, 2026-09-23",
    );
    expect(supportedVersionsHeader("listEntraAssignments")).toBe("2025-03-02-preview");
  });

  it("serves the versions Azure accepts but no longer lists, and customId only where the spec has it", () => {
    expect(resolveApiVersion("exchange", "2021-03-31-preview1", strict).exchangeBody).toBe("token-only");
    expect(resolveApiVersion("createIdentity", "2020-07-20-preview2", strict).legacyShapes).toBe(true);
    expect(resolveApiVersion("createIdentity", "2025-03-02-preview", strict).customId).toBe(true);
    expect(resolveApiVersion("createIdentity", "2025-06-30", strict).customId).toBe(false);
    expect(failure(() => resolveApiVersion("getIdentity", "2025-06-30", strict)).code).toBe(
      "UnsupportedApiVersion",
    );
    expect(failure(() => resolveApiVersion("entraExchange", "2025-06-30", strict)).code).toBe(
      "UnsupportedApiVersion",
    );
  });
});
