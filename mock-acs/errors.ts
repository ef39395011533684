import type { Evidence, ExplainedError } from "../core/catalog.js";

/*
 * Every error the fake ACS Identity service answers with. Wire facts (status, code, message, target)
 * come from ../shared/reference/acs-identity-api.md (§ numbers below); an entry's `evidence` says which
 * part is `recorded` and which is `inferred`, and nowhere else in the code, so correcting one is a
 * one-line change here.
 */

/** The ACS error codes this fake emits: `switch (err.code)` narrows. */
export type AcsErrorCode =
  | "Denied"
  | "ValidationError"
  | "IdentityNotOwned"
  | "IdentityNotFound"
  | "InvalidAccessToken"
  | "TeamsLicenseRequired"
  | "UnsupportedApiVersion"
  | "ApiVersionUnspecified"
  | "UnsupportedMediaType"
  | "RequestEntityTooLarge"
  | "NotFound";

interface CatalogEntry {
  status: number;
  /** Default message; some codes (ValidationError) always pass their own. */
  message: string;
  /**
   * The real service sends `api-supported-versions` only from its controllers: on auth and
   * model-binding errors it is absent (§3 "Header patterns").
   */
  fromController: boolean;
  cause: string;
  fix: string;
  evidence: Evidence;
  scenario?: string;
}

const CATALOG: Record<AcsErrorCode, CatalogEntry> = {
  Denied: {
    status: 401,
    message: "Denied by the resource provider.",
    fromController: false,
    cause:
      "The request's authentication failed: the HMAC signature does not match (wrong access key, host, path, body or a date more than 15 minutes off), a header is missing, or the Entra bearer token's principal holds no role on the Communication Services resource.",
    fix: "Use the resource's connection string as the portal shows it (admin step 6), keep the client clock in sync, and do not alter the request after signing. For Entra ID (RBAC) auth, assign the app or user a role such as Contributor on the resource (Access control (IAM)).",
    evidence: {
      recorded: "§2.1, §2.2 ([3P] body).",
      inferred:
        "A stale date, a missing header and a body-hash mismatch give the same 401; the ±15 minute window is App Configuration's.",
    },
  },
  ValidationError: {
    status: 400,
    message: "The request is invalid.",
    fromController: true,
    cause:
      "A field of the request body is missing, malformed or out of range (scopes, expiresInMinutes, appId, userId).",
    fix: "Read `target` and `message`: they name the field. Scopes are chat, voip, chat.join, chat.join.limited, voip.join; expiresInMinutes is an integer from 60 to 1440; appId and userId are the GUIDs of the Entra token's `appid` and `oid`.",
    evidence: {
      recorded: "§1.4, §3 (recorded messages).",
      inferred:
        "Unknown scope names, malformed JSON, non-integer expiresInMinutes and bad Repeatability headers: message wording is ours.",
    },
  },
  IdentityNotOwned: {
    status: 401,
    message: "Provided identity doesn't belong to the resource.",
    fromController: true,
    cause:
      "The identity id was not minted by this Communication Services resource (another resource's id, or not an ACS user id at all).",
    fix: "Use the `communicationUserId` that this resource returned from createUser, and the connection string of that same resource.",
    evidence: {
      recorded: "§1.4 (recorded).",
      inferred: "Malformed ids and path tricks in {id} get the same answer.",
    },
  },
  IdentityNotFound: {
    status: 404,
    message: "Identity was not found or has been deleted.",
    fromController: true,
    cause: "The identity belongs to this resource but has been deleted (or was never created).",
    fix: "Create a new identity with createUser; a deleted identity cannot get tokens again.",
    evidence: {
      inferred: "No recording covers an operation on a deleted identity; status, code and message are ours.",
    },
  },
  InvalidAccessToken: {
    status: 401,
    message: "Provided access token is not valid.",
    fromController: false,
    cause:
      "The Entra ID token given to getTokenForTeamsUser is empty, malformed, expired, not signed by Entra ID, or not issued for https://auth.msft.communication.azure.com with both Teams.ManageCalls and Teams.ManageChats.",
    fix: "Acquire the Entra token with scopes https://auth.msft.communication.azure.com/Teams.ManageCalls and .../Teams.ManageChats (admin step 4 adds them to the app), and exchange it before it expires.",
    evidence: {
      recorded: "§3 (recorded for empty, malformed and expired tokens; [3P] for a wrong audience).",
    },
  },
  TeamsLicenseRequired: {
    status: 403,
    message: "The Teams user does not have a valid Teams license.",
    fromController: true,
    cause:
      "The user of the Entra token has no Microsoft Teams licence, so ACS cannot act as that Teams user.",
    fix: "Assign the user a licence that includes Microsoft Teams (prerequisite of the quickstart), then exchange a new token.",
    evidence: {
      inferred:
        "The reference found no public evidence of the real answer for an unlicensed user; status 403, this code and this message are the sandbox's.",
    },
  },
  UnsupportedApiVersion: {
    status: 400,
    message: "The HTTP resource that matches the request URI does not support the API version.",
    // ASP.NET API Versioning reports the supported versions with this error, which is what a user needs.
    fromController: true,
    cause:
      "The api-version query parameter names a version this operation does not support (often after an SDK upgrade).",
    fix: "Use one of the versions the message lists (the Identity SDK 1.3.1 sends 2023-10-01), or start the sandbox with --loose (looseApiVersion) to accept any version as the newest.",
    evidence: {
      recorded: "§1.1 (recorded wording, with a backend IP in the URI).",
      inferred:
        "The api-supported-versions header on this answer, and listing the supported versions and the --loose hint in the message, are the sandbox's.",
    },
  },
  ApiVersionUnspecified: {
    status: 400,
    message: "An API version is required, but was not specified.",
    fromController: true,
    cause: "The request has no api-version query parameter.",
    fix: "Add ?api-version=2023-10-01 (or another listed version) to the request URI; the SDKs always send it.",
    evidence: { inferred: "§1.1 guesses ASP.NET API Versioning's ApiVersionUnspecified; not verified." },
  },
  UnsupportedMediaType: {
    status: 415,
    message: "The request body must be sent as application/json.",
    fromController: false,
    cause: "A request body was sent with a Content-Type other than application/json.",
    fix: "Send `Content-Type: application/json` (the SDKs always do).",
    evidence: { inferred: "ASP.NET's 415 for [FromBody] with another media type; body wording is ours." },
  },
  RequestEntityTooLarge: {
    status: 413,
    message: "The request body is too large.",
    fromController: false,
    cause: "The request body exceeds the size the service accepts.",
    fix: "Send the small JSON body the operation defines.",
    evidence: { inferred: "The real limit and answer are unknown; the sandbox rejects bodies over 1 MiB." },
  },
  NotFound: {
    status: 404,
    message: "The requested resource was not found.",
    fromController: false,
    cause: "No ACS Identity operation exists at this method and path.",
    fix: "Check the path: /identities, /identities/{id}/:issueAccessToken, /identities/{id}/:revokeAccessTokens, /teamsUser/:exchangeAccessToken.",
    evidence: { inferred: "The real 404 body for an unknown path is not recorded." },
  },
};

/**
 * A catalogued ACS error, carrying its own wire shape.
 *
 * @example
 * throw new AcsError("ValidationError", { message: "AppId: The AppId field is required.", target: "AppId" });
 */
export class AcsError extends Error {
  readonly status: number;
  readonly target: string | undefined;
  /** Whether the answer carries `api-supported-versions` (only controller responses do). */
  readonly fromController: boolean;

  constructor(
    readonly code: AcsErrorCode,
    options: { message?: string; target?: string; fromController?: boolean } = {},
  ) {
    const entry = CATALOG[code];
    super(options.message ?? entry.message);
    this.status = entry.status;
    this.target = options.target;
    this.fromController = options.fromController ?? entry.fromController;
  }

  /** The `CommunicationErrorResponse` body. */
  body(): { error: { code: string; message: string; target?: string } } {
    return {
      error: {
        code: this.code,
        message: this.message,
        ...(this.target !== undefined ? { target: this.target } : {}),
      },
    };
  }
}

/** What `acs-sandbox explain` prints for ACS codes. */
export function acsCatalog(): ExplainedError[] {
  return Object.entries(CATALOG).map(([code, e]) => ({
    code,
    service: "ACS Identity",
    status: e.status,
    cause: e.cause,
    fix: e.fix,
    evidence: e.evidence,
    ...(e.scenario ? { scenario: e.scenario } : {}),
  }));
}
