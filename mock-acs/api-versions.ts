import { AcsError } from "./errors.js";

/*
 * The api-versions the fake serves and what each changes (reference §1.1). A request's version is
 * resolved once, by the route, into an `ApiVersion` whose flags the handlers read; no handler compares
 * version strings itself.
 */

export type AcsOperation = "create" | "delete" | "revoke" | "issue" | "exchange";

export interface ApiVersion {
  name: string;
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
}

const BASE_SCOPES = ["chat", "voip"] as const;
const JOIN_SCOPES = [...BASE_SCOPES, "chat.join", "chat.join.limited", "voip.join"] as const;

/** Oldest first; the last one is the newest, which loose mode answers as. */
export const API_VERSIONS: readonly ApiVersion[] = [
  {
    name: "2021-03-07",
    expiresInMinutes: false,
    scopes: BASE_SCOPES,
    exchangeBody: "none",
    repeatability: false,
  },
  {
    name: "2021-03-31-preview1",
    expiresInMinutes: false,
    scopes: BASE_SCOPES,
    exchangeBody: "token-only",
    repeatability: false,
    firstPreviewExchange: true,
  },
  {
    name: "2021-10-31-preview",
    expiresInMinutes: false,
    scopes: BASE_SCOPES,
    exchangeBody: "token-only",
    repeatability: false,
  },
  {
    name: "2022-06-01",
    expiresInMinutes: false,
    scopes: BASE_SCOPES,
    exchangeBody: "token-app-user",
    repeatability: false,
  },
  {
    name: "2022-10-01",
    expiresInMinutes: true,
    scopes: BASE_SCOPES,
    exchangeBody: "token-app-user",
    repeatability: false,
  },
  {
    name: "2023-08-01",
    expiresInMinutes: true,
    scopes: BASE_SCOPES,
    exchangeBody: "token-app-user",
    repeatability: true,
  },
  {
    name: "2023-10-01",
    expiresInMinutes: true,
    scopes: JOIN_SCOPES,
    exchangeBody: "token-app-user",
    repeatability: false,
  },
];

export const NEWEST_API_VERSION = API_VERSIONS.at(-1)!;

/** Versions that serve an operation: every version has the identity operations; exchange starts in 2021-03-31-preview1. */
export function versionsFor(operation: AcsOperation): ApiVersion[] {
  return API_VERSIONS.filter((v) => operation !== "exchange" || v.exchangeBody !== "none");
}

/** The `api-supported-versions` header value for an operation (the real service lists them comma-space separated). */
export function supportedVersionsHeader(operation: AcsOperation): string {
  return versionsFor(operation)
    .map((v) => v.name)
    .join(", ");
}

/**
 * The version a request is served as, or the `UnsupportedApiVersion` error. `requestUri` is the public
 * URI; the real message names the backend's internal address instead, which helps nobody. The message
 * is Azure's word for word; the supported versions and `--loose` travel as the error's hint.
 *
 * @example
 * resolveApiVersion("issue", "2023-10-01", { loose: false, requestUri: "https://x/identities" }).expiresInMinutes // true
 */
export function resolveApiVersion(
  operation: AcsOperation,
  requested: string | undefined,
  options: { loose: boolean; requestUri: string },
): ApiVersion {
  const known = versionsFor(operation).find((v) => v.name === requested);
  if (known) return known;
  if (options.loose) return NEWEST_API_VERSION;
  const supported = supportedVersionsHeader(operation);
  const hint = `Supported api-versions: ${supported}. Use one of them (the Identity SDK 1.3.1 sends ${NEWEST_API_VERSION.name}), or start the sandbox with --loose to accept any version as the newest.`;
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
