import type { Evidence, ExplainedError } from "../core/catalog.js";

/*
 * Every error the fake ACS Identity service answers with. Wire facts (status, code, message, target)
 * come from the service's REST specification (Azure/azure-rest-api-specs
 * `specification/communication/data-plane/Identity`) and the Azure SDKs' recorded sessions against it
 * (Azure/azure-sdk-for-js `sdk/communication/communication-identity/recordings`, azure-sdk-for-net
 * SessionRecords); an entry's `evidence` says which part is `recorded` and which is `inferred`, and
 * nowhere else in the code, so correcting one is a one-line change here.
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
  | "NotFound"
  | "AccessAssignmentNotFound"
  | "ClientNotAssigned"
  | "AssignmentNotFound"
  | "TooManyRequests"
  | "ServiceUnavailable"
  | "InternalServerError";

interface CatalogEntry {
  status: number;
  /** Default message; some codes (ValidationError) always pass their own. */
  message: string;
  /**
   * The real service sends `api-supported-versions` only from its controllers: on auth and
   * model-binding errors it is absent (the 401 InvalidAccessToken and "field is required" 400s of
   * Azure/azure-sdk-for-net's Identity SessionRecords carry none).
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
    fix: "Use the resource's connection string as the portal shows it (admin step 6), keep the client clock in sync, and do not alter the request after signing. For Entra ID (RBAC) auth, assign the principal that calls a role such as Contributor on the resource (Access control (IAM)): the user itself, or the app's service principal in the resource's tenant (a token from another tenant, or a user signed in through an app with a role, holds no role).",
    evidence: {
      recorded:
        "The HMAC scheme: learn.microsoft.com/rest/api/communication/authentication and learn.microsoft.com/azure/communication-services/tutorials/hmac-header-tutorial. The 401 body as third-party material quotes it across ACS endpoints (the Swoosh ACS adapter docs, tweak.foo's ACS Email with Cloudflare Workers), and for an Entra caller without a role Azure/azure-sdk-for-js issue #22312.",
      inferred:
        "a stale date, a missing header and a body-hash mismatch give the same 401; the ±15 minute window is App Configuration's (learn.microsoft.com/azure/azure-app-configuration/rest-api-authentication-hmac).",
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
      recorded:
        "The recorded messages: Azure/azure-sdk-for-net sdk/communication/Azure.Communication.Identity/tests/SessionRecords/CommunicationIdentityClientLiveTests (CreateUserAndTokenWithMaxInvalidCustomExpiration.json, GetTokenForTeamsUserWithEmptyAppIdShouldThrow.json, GetTokenForTeamsUserWithWrongClientIdShouldThrow.json, …), Azure/azure-sdk-for-js sdk/communication/communication-identity/recordings, Azure/azure-sdk-for-python sdk/communication/azure-communication-identity/tests/recordings (test_get_token_with_no_scopes.json).",
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
      recorded:
        "Azure/azure-sdk-for-js sdk/communication/communication-identity/recordings/node/communicationidentityclient_playbacklive_error_cases_/recording_throws_an_error_when_attempting_to_delete_an_invalid_user.json (401 IdentityNotOwned).",
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
      "The Entra ID token given to getTokenForTeamsUser is empty, malformed, expired, not signed by Entra ID, or not issued for https://auth.msft.communication.azure.com with both Teams.ManageCalls and Teams.ManageChats. For the /access/* exchanges: the bearer token lacks its exchange's audience and scope (TeamsExtension.ManageCalls; VoIP or VoIP.Join of https://communication.azure.com/clients).",
    fix: "Acquire the Entra token with scopes https://auth.msft.communication.azure.com/Teams.ManageCalls and .../Teams.ManageChats (admin step 4 adds them to the app), and exchange it before it expires.",
    evidence: {
      recorded:
        "Azure/azure-sdk-for-net sdk/communication/Azure.Communication.Identity/tests/SessionRecords/CommunicationIdentityClientLiveTests/GetTokenForTeamsUserWithEmptyTokenShouldThrow.json, …WithInvalidTokenShouldThrow.json, …WithExpiredTokenShouldThrow.json; for a wrong audience AzureAD/microsoft-authentication-library-for-js issue #6990 (third-party).",
      inferred: "the /access/* exchanges answer a bad bearer token the same way.",
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
        "No public source shows the real answer for an unlicensed user; status 403, this code and this message are the sandbox's.",
    },
  },
  UnsupportedApiVersion: {
    status: 400,
    message: "The HTTP resource that matches the request URI does not support the API version.",
    // ASP.NET API Versioning reports the supported versions with this error, which is what a user needs.
    fromController: true,
    cause:
      "The api-version query parameter names a version this operation does not support (often after an SDK upgrade).",
    fix: "Use one of the versions the sandbox lists in the x-acs-sandbox-hint header, the api-supported-versions header and the request journal (the Identity SDK 1.3.1 sends 2023-10-01), or start the sandbox with --loose (looseApiVersion) to accept any version as the newest.",
    evidence: {
      recorded:
        "Azure-Samples/communication-services-web-calling-tutorial issue #8 and Azure/Communication issue #159 (the wording, with a backend IP in the URI; the sandbox names the public URI).",
      inferred:
        "the api-supported-versions header on this answer. The supported versions and the --loose advice go in the x-acs-sandbox-hint header and the journal, not the message.",
    },
  },
  ApiVersionUnspecified: {
    status: 400,
    message: "An API version is required, but was not specified.",
    fromController: true,
    cause: "The request has no api-version query parameter.",
    fix: "Add ?api-version=2023-10-01 (or another listed version) to the request URI; the SDKs always send it.",
    evidence: {
      inferred:
        "ASP.NET API Versioning's ApiVersionUnspecified, which the service's UnsupportedApiVersion answer suggests it uses; not verified. The sandbox's advice goes in the x-acs-sandbox-hint header.",
    },
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
    fix: "Check the path: /identities, /identities/{id}, /identities/{id}/:issueAccessToken, /identities/{id}/:revokeAccessTokens, /teamsUser/:exchangeAccessToken, /access/teamsExtension/:exchangeAccessToken, /access/teamsExtension/tenants/{tenantId}/assignments/{objectId}, /access/entra/:exchangeAccessToken, /access/entra/assignments[/{objectId}] (docs/compatibility.md lists the versions of each).",
    evidence: { inferred: "The real 404 body for an unknown path is not recorded." },
  }, // Service faults: answered only when a fault rule says so (`/_sandbox/faults`).
  TooManyRequests: {
    status: 429,
    message: "Too many requests. Retry after the time the Retry-After header gives.",
    fromController: false,
    cause: "The Communication Services resource is throttling the caller: too many requests in a short time.",
    fix: "Let the SDK's retry policy wait as Retry-After says (it does by default), cache Teams access tokens until they near expiry instead of exchanging per call, and spread bursts.",
    evidence: {
      inferred:
        "No recorded ACS Identity 429 body; the code and message are the sandbox's, in the CommunicationErrorResponse shape. The Identity SDK reads Retry-After on 429 and 503 (@typespec/ts-http-runtime retryStrategies/throttlingRetryStrategy).",
    },
    scenario: "acs-exchange-throttled",
  },
  ServiceUnavailable: {
    status: 503,
    message: "The service is temporarily unavailable. Please retry later.",
    fromController: false,
    cause: "The ACS Identity service is briefly unavailable.",
    fix: "Retry with back-off; the Identity SDK retries 503 by itself (3 retries by default) and honours Retry-After.",
    evidence: { inferred: "No recorded 503 body; code and message are the sandbox's." },
  },
  AccessAssignmentNotFound: {
    status: 403,
    message: "The user has no access assignment on this Communication Services resource.",
    fromController: true,
    cause:
      "The Entra token is valid, but the resource holds no assignment for its user (Teams Phone extensibility: tenant and object id of the user; Entra ID users: the user, a group of the token's `groups`, or the user's tenant).",
    fix: "Create the assignment: PUT /access/teamsExtension/tenants/{tenantId}/assignments/{objectId} (Teams Phone extensibility) or PUT /access/entra/assignments/{objectId} (Entra ID users), with the calling app's client id in clientIds; or list it under the resource's assignments in the world file.",
    evidence: {
      inferred:
        "The /access/* errors are not documented publicly: status 403, this code and this message are the sandbox's.",
    },
    scenario: "teams-extension-user-not-assigned",
  },
  ClientNotAssigned: {
    status: 403,
    message: "The application is not allowed by the user's access assignment.",
    fromController: true,
    cause:
      "The user has an assignment on the resource, but the client id of the app that acquired the Entra token (`appid`/`azp`) is not among its clientIds.",
    fix: "Add the app's client id to the assignment's clientIds (PUT the assignment again), or sign in through an app the assignment lists.",
    evidence: {
      inferred:
        "The /access/* errors are not documented publicly: status 403, this code and this message are the sandbox's.",
    },
    scenario: "teams-extension-app-not-assigned",
  },
  AssignmentNotFound: {
    status: 404,
    message: "Assignment was not found.",
    fromController: true,
    cause: "GET of an access assignment that does not exist on this resource.",
    fix: "Check the tenant id and object id in the path, or create the assignment with PUT.",
    evidence: {
      inferred: "Not documented publicly: status 404, this code and this message are the sandbox's.",
    },
  },
  InternalServerError: {
    status: 500,
    message: "An internal error occurred.",
    fromController: false,
    cause:
      "The service failed while answering: a fault rule asked for it (`/_sandbox/faults`; the journal entry names the rule), or the sandbox itself failed, a bug in acs-sandbox and not a mistake in the request.",
    fix: "Retry: the Identity SDK retries 5xx answers by itself with exponential back-off. For a sandbox bug, report it with the entry's `error.stack` from GET /_sandbox/requests (or the `serve --debug FILE` log).",
    evidence: {
      inferred:
        "The code is the one ASP.NET services of Azure send for an unhandled exception; the message is ours.",
    },
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
  /** The sandbox's advice, sent beside Azure's body (header `x-acs-sandbox-hint`, journal), never in it. */
  readonly hint: string | undefined;
  /** Which check failed (`stale-date`, `token-expired`): journaled as `reason`, never sent. */
  readonly reason: string | undefined;

  constructor(
    readonly code: AcsErrorCode,
    options: {
      message?: string;
      target?: string;
      fromController?: boolean;
      hint?: string;
      reason?: string;
    } = {},
  ) {
    const entry = CATALOG[code];
    super(options.message ?? entry.message);
    this.status = entry.status;
    this.target = options.target;
    this.fromController = options.fromController ?? entry.fromController;
    this.hint = options.hint;
    this.reason = options.reason;
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
