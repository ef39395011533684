import { AcsError } from "./errors.js";
import type { AcsOperation } from "./operations.js";

/*
 * The api-versions the fake serves, per operation, and what each changes (reference §1.1). A request's
 * version is resolved once, by the route, into an `ApiVersion` whose flags the handlers read; no handler
 * compares version strings itself. `docs/compatibility.md` is generated from this table
 * (`npm run compatibility`), so every fact here carries its source.
 */

export type { AcsOperation };

/**
 * Operations answered by one controller: ASP.NET API Versioning lists the versions of the controller in
 * `api-supported-versions`, so every operation of a family reports the same list.
 */
export const OPERATION_FAMILIES = {
  identities: [
    "createIdentity",
    "deleteIdentity",
    "revokeTokens",
    "issueToken",
    "issueTokenLegacy",
    "getIdentity",
  ],
  teamsUser: ["exchange"],
  teamsExtension: [
    "teamsExtensionExchange",
    "getTeamsExtensionAssignment",
    "putTeamsExtensionAssignment",
    "deleteTeamsExtensionAssignment",
  ],
  entra: [
    "entraExchange",
    "listEntraAssignments",
    "patchEntraAssignments",
    "getEntraAssignment",
    "putEntraAssignment",
    "deleteEntraAssignment",
  ],
} as const satisfies Record<string, readonly AcsOperation[]>;

export type OperationFamily = keyof typeof OPERATION_FAMILIES;

export function familyOf(operation: AcsOperation): OperationFamily {
  const entry = Object.entries(OPERATION_FAMILIES).find(([, ops]) =>
    (ops as readonly AcsOperation[]).includes(operation),
  );
  return entry![0] as OperationFamily;
}

/** How sure the table is of a version: a real answer recorded, the published spec, or our guess. */
export type Evidence = "recorded" | "spec" | "inferred";

export interface ApiVersion {
  name: string;
  /** Operations this version serves. */
  operations: readonly AcsOperation[];
  /** Listed in the real service's `api-supported-versions` answers (recorded Oct 2023 and 2025). */
  advertised: boolean;
  evidence: Evidence;
  /** Where the facts of this row come from (repository and path, or a recording). */
  source: string;
  /** Body field `expiresInMinutes` is honoured (2022-10-01 and later). */
  expiresInMinutes: boolean;
  /** Scope names the version's enum knows. */
  scopes: readonly string[];
  /** Teams exchange body: `{token}` (2021 previews, 24-hour token) or `{token, appId, userId}`. */
  exchangeBody: "token-only" | "token-app-user" | "none";
  /** `Repeatability-Request-ID` / `Repeatability-First-Sent` on create (2023-08-01 only). */
  repeatability: boolean;
  /**
   * 2021-03-31-preview1 only: the exchange's token lives 24 hours whatever the Entra token's lifetime,
   * and a bad token gets a 401 with an empty body (recorded May 2021, test/parity/recorded.json).
   * 2021-10-31-preview already follows the Entra token and answers the JSON error.
   */
  firstPreviewExchange?: true;
  /** `customId` on create, and `customId`/`lastTokenIssuedAt` on the identity. */
  customId: boolean;
  /** 2020-07-20-preview2 shapes: create → 200 `{id}`, tokens from `POST /identities/{id}/token`. */
  legacyShapes: boolean;
}

const BASE_SCOPES = ["chat", "voip"] as const;
const JOIN_SCOPES = [...BASE_SCOPES, "chat.join", "chat.join.limited", "voip.join"] as const;

const IDENTITY_OPERATIONS = ["createIdentity", "deleteIdentity", "revokeTokens", "issueToken"] as const;
const CLASSIC_OPERATIONS = [...IDENTITY_OPERATIONS, "exchange"] as const;
const TEAMS_EXTENSION = OPERATION_FAMILIES.teamsExtension;
const ENTRA = OPERATION_FAMILIES.entra;

const SPECS = "Azure/azure-rest-api-specs specification/communication/data-plane/Identity";
/** The Oct 2023 `api-supported-versions` values (reference §1.1). */
const OCT_2023 =
  "api-supported-versions recorded Oct 2023 (azure-sdk-for-js communication-identity recordings, recording_successfully_creates_a_user_and_token_ltchatjoinscopegt.json)";

const defaults = {
  advertised: true,
  expiresInMinutes: false,
  scopes: BASE_SCOPES,
  exchangeBody: "none",
  repeatability: false,
  customId: false,
  legacyShapes: false,
} as const;

/** Oldest first. */
export const API_VERSIONS: readonly ApiVersion[] = [
  {
    ...defaults,
    name: "2020-07-20-preview2",
    operations: ["createIdentity", "deleteIdentity", "issueTokenLegacy"],
    evidence: "spec",
    source: `${SPECS}/preview/2020-07-20-preview2/CommunicationIdentity.json; ${OCT_2023}`,
    legacyShapes: true,
  },
  {
    ...defaults,
    name: "2021-02-22-preview1",
    operations: IDENTITY_OPERATIONS,
    evidence: "spec",
    source: `${SPECS}/preview/2021-02-22-preview1/CommunicationIdentity.json; ${OCT_2023}`,
  },
  {
    ...defaults,
    name: "2021-03-07",
    operations: IDENTITY_OPERATIONS,
    evidence: "recorded",
    source: `${SPECS}/stable/2021-03-07/CommunicationIdentity.json; ${OCT_2023}`,
  },
  {
    ...defaults,
    name: "2021-03-31-preview1",
    operations: CLASSIC_OPERATIONS,
    // Served for the 2021 preview SDKs, but absent from every recorded `api-supported-versions` list.
    advertised: false,
    evidence: "recorded",
    source: `${SPECS}/preview/2021-03-31-preview1/CommunicationIdentity.json; azure-sdk-for-js nock recordings (May 2021)`,
    exchangeBody: "token-only",
    firstPreviewExchange: true,
  },
  {
    ...defaults,
    name: "2021-10-31-preview",
    operations: CLASSIC_OPERATIONS,
    evidence: "recorded",
    source: `${SPECS}/preview/2021-10-31-preview/CommunicationIdentity.json; ${OCT_2023}`,
    exchangeBody: "token-only",
  },
  {
    ...defaults,
    name: "2021-11-01",
    operations: IDENTITY_OPERATIONS,
    // [infer] No spec folder exists; the version is only seen in the recorded header. 2021-03-07 shapes.
    evidence: "inferred",
    source: `${OCT_2023}; shapes [infer] as 2021-03-07`,
  },
  {
    ...defaults,
    name: "2022-06-01",
    operations: CLASSIC_OPERATIONS,
    evidence: "recorded",
    source: `${SPECS}/stable/2022-06-01/CommunicationIdentity.json; ${OCT_2023}`,
    exchangeBody: "token-app-user",
  },
  {
    ...defaults,
    name: "2022-10-01",
    operations: CLASSIC_OPERATIONS,
    evidence: "recorded",
    source: `${SPECS}/stable/2022-10-01/CommunicationIdentity.json; azure-sdk-for-net SessionRecords CreateUserAndTokenWithMaxInvalidCustomExpiration.json`,
    expiresInMinutes: true,
    exchangeBody: "token-app-user",
  },
  {
    ...defaults,
    name: "2023-08-01",
    operations: CLASSIC_OPERATIONS,
    // Listed in Mar 2023 answers, gone from the Oct 2023 ones.
    advertised: false,
    evidence: "spec",
    source: `${SPECS}/stable/2023-08-01/CommunicationIdentity.json; api-supported-versions recorded Mar 2023`,
    expiresInMinutes: true,
    exchangeBody: "token-app-user",
    repeatability: true,
  },
  {
    ...defaults,
    name: "2023-10-01",
    operations: CLASSIC_OPERATIONS,
    evidence: "recorded",
    source: `${SPECS}/stable/2023-10-01/CommunicationIdentity.json; ${OCT_2023}`,
    expiresInMinutes: true,
    scopes: JOIN_SCOPES,
    exchangeBody: "token-app-user",
  },
  {
    ...defaults,
    name: "2025-03-02-preview",
    operations: [...CLASSIC_OPERATIONS, "getIdentity", ...TEAMS_EXTENSION, ...ENTRA],
    evidence: "spec",
    source: `${SPECS}/preview/2025-03-02-preview/CommunicationIdentity.json (b2f7419); @azure/communication-common 2.4.2 entraTokenCredential.js (Entra ID users)`,
    expiresInMinutes: true,
    scopes: JOIN_SCOPES,
    exchangeBody: "token-app-user",
    customId: true,
  },
  {
    ...defaults,
    name: "2025-06-30",
    // The final TypeSpec output has neither customId nor GET /identities/{id} (reference §1.1).
    operations: [...CLASSIC_OPERATIONS, ...TEAMS_EXTENSION],
    evidence: "spec",
    source: `${SPECS}/routes.tsp (0518e78), examples/2025-06-30; @azure/communication-common 2.4.2 entraTokenCredential.js (Teams Phone extensibility)`,
    expiresInMinutes: true,
    scopes: JOIN_SCOPES,
    exchangeBody: "token-app-user",
  },
  {
    ...defaults,
    name: "2026-07-22",
    operations: [...CLASSIC_OPERATIONS, ...TEAMS_EXTENSION],
    // [infer] In the spec repository (models.tsp `Versions`, examples/2026-07-22) but not recorded live.
    evidence: "inferred",
    source: `${SPECS}/models.tsp (Versions c2026_07_22), examples/2026-07-22; [infer] advertised`,
    expiresInMinutes: true,
    scopes: JOIN_SCOPES,
    exchangeBody: "token-app-user",
  },
  {
    ...defaults,
    name: "2026-09-23",
    operations: [...CLASSIC_OPERATIONS, ...TEAMS_EXTENSION],
    // [infer] Only examples exist (create, issue, Teams extension upsert); the .NET ApiVersionTests default to it.
    evidence: "inferred",
    source: `${SPECS}/examples/2026-09-23; azure-sdk-for-net Azure.Communication.Identity tests/ApiVersionTests.cs; [infer] operations as 2026-07-22`,
    expiresInMinutes: true,
    scopes: JOIN_SCOPES,
    exchangeBody: "token-app-user",
  },
];

/** What `@azure/communication-identity` 1.3.1 sends, and what the advice in errors points to. */
export const SDK_DEFAULT_API_VERSION = "2023-10-01";

/** `versionsFor()`'s answers, by operation. */
const versionsByOperation = new Map<AcsOperation, readonly ApiVersion[]>();

/** Versions that serve an operation, oldest first. */
export function versionsFor(operation: AcsOperation): readonly ApiVersion[] {
  // Looked up by every request of the service: the table is fixed, so each operation's list is made once.
  let versions = versionsByOperation.get(operation);
  if (!versions) {
    versions = API_VERSIONS.filter((v) => v.operations.includes(operation));
    versionsByOperation.set(operation, versions);
  }
  return versions;
}

/** The newest version serving an operation: what loose mode answers as. */
export function newestFor(operation: AcsOperation): ApiVersion {
  return versionsFor(operation).at(-1)!;
}

/** The newest version of all. */
export const NEWEST_API_VERSION = API_VERSIONS.at(-1)!;

/** `supportedVersionsHeader()`'s answers, by operation and version served. */
const supportedVersionsHeaders = new Map<string, string>();

/**
 * The `api-supported-versions` value for an operation: the advertised versions of its controller, comma
 * and space separated as the real service writes them, and the version the request was `served` at
 * where the service no longer advertises it. A service that served a version listed it: the exchange at
 * 2021-03-31-preview1 answered `api-supported-versions: 2021-03-31-preview1` (Azure/azure-sdk-for-net
 * sdk/communication/Azure.Communication.Identity/tests/SessionRecords/CommunicationIdentityClientLiveTests/ExchangeTeamsTokenWithValidToken.json,
 * May 2021), and the Mar 2023 answers list 2023-08-01. [infer] That version placed, in date order, into
 * the current list: no recording shows a retired version served beside today's list.
 */
export function supportedVersionsHeader(operation: AcsOperation, served?: ApiVersion): string {
  // Worked out once per operation and version served: every answer of the service carries it.
  const key = `${operation} ${served?.name ?? ""}`;
  let header = supportedVersionsHeaders.get(key);
  if (header === undefined) {
    const family: readonly AcsOperation[] = OPERATION_FAMILIES[familyOf(operation)];
    header = API_VERSIONS.filter(
      (v) => (v.advertised || v === served) && v.operations.some((op) => family.includes(op)),
    )
      .map((v) => v.name)
      .join(", ");
    supportedVersionsHeaders.set(key, header);
  }
  return header;
}

/**
 * The version a request is served as, or the `UnsupportedApiVersion` error. `requestUri` is the public
 * URI; the real message names the backend's internal address instead, which helps nobody. The message
 * is Azure's word for word; the supported versions and `--loose` travel as the error's hint.
 *
 * @example
 * resolveApiVersion("issueToken", "2023-10-01", { loose: false, requestUri: "https://x/identities" }).expiresInMinutes // true
 */
export function resolveApiVersion(
  operation: AcsOperation,
  requested: string | undefined,
  options: { loose: boolean; requestUri: string },
): ApiVersion {
  const known = versionsFor(operation).find((v) => v.name === requested);
  if (known) return known;
  if (options.loose) return newestFor(operation);
  const supported = versionsFor(operation)
    .map((v) => v.name)
    .join(", ");
  const hint = `Supported api-versions: ${supported}. Use one of them (the Identity SDK 1.3.1 sends ${SDK_DEFAULT_API_VERSION}), or start the sandbox with --loose to accept any version as the newest.`;
  if (requested === undefined || requested === "") {
    throw new AcsError("ApiVersionUnspecified", {
      message: "An API version is required, but was not specified.",
      hint,
    });
  }
  throw new AcsError("UnsupportedApiVersion", {
    message: `The HTTP resource that matches the request URI '${options.requestUri}' does not support the API version '${requested}'.`,
    hint,
  });
}
