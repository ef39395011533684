import { randomUUID } from "node:crypto";
import type { Evidence, ExplainedError } from "../core/catalog.js";

/*
 * Errors of the managed identity endpoints, which are not Entra's token endpoint and answer in their own
 * shapes: IMDS in the OAuth form (`error`, `error_description`), App Service as `{statusCode, message,
 * correlationId}` (the fields msal-node's BaseManagedIdentitySource.getServerTokenResponse reads:
 * AzureAD/microsoft-authentication-library-for-js lib/msal-node/src/client/ManagedIdentitySources/).
 */

interface ManagedIdentityErrorEntry {
  status: number;
  /** IMDS `error` value. */
  error: string;
  message: string;
  cause: string;
  fix: string;
  /** Where the wire form comes from, or why it is a guess. */
  evidence: Evidence;
}

const CATALOG = {
  MetadataHeaderMissing: {
    status: 400,
    error: "bad_request_102",
    message: "Required metadata header not specified",
    cause: "An IMDS request came without the `Metadata: true` header, which IMDS requires against SSRF.",
    fix: "Send `Metadata: true` (every Azure SDK does); a request without it is how SDKs probe for IMDS.",
    evidence: {
      recorded:
        "Microsoft Learn, how-to-use-vm-token (error handling table) and the IMDS FAQ ('400 Bad Request, Required metadata header not specified')",
    },
  },
  ApiVersionMissing: {
    status: 400,
    error: "invalid_request",
    message: "Required query variable 'api-version' is missing",
    cause: "A token request without `api-version`; IMDS wants 2018-02-01 or later, App Service 2019-08-01.",
    fix: "Send `api-version=2018-02-01` (IMDS) or `api-version=2019-08-01` (App Service), as the SDKs do.",
    evidence: {
      recorded: "Microsoft Learn documents the parameter as required (how-to-use-vm-token)",
      inferred: "the message text",
    },
  },
  ResourceMissing: {
    status: 400,
    error: "invalid_request",
    message: "Required audience parameter not specified",
    cause: "The token request had no `resource` query parameter.",
    fix: "Ask for a resource: `resource=https://communication.azure.com`.",
    evidence: {
      inferred: "the message, as IMDS emulators answer it (Azure CLI managed identity bridges)",
    },
  },
  // Named apart from ACS's IdentityNotFound: the journal and `explain` know a code by its name alone.
  ManagedIdentityNotFound: {
    status: 400,
    error: "invalid_request",
    message: "Identity not found",
    cause:
      "The request named a user-assigned identity the machine does not have, or asked for the system-assigned identity of a machine without one.",
    fix: "Assign the identity to the machine (`managedIdentities.<name>.assigned: true`) or send the client id of one it has (`/_sandbox/descriptor` lists them).",
    evidence: {
      inferred:
        "IMDS's answer as azure-identity for Python expects it (azure/identity/_credentials/imds.py: a 400 means the identity is not assigned)",
    },
  },
  IdentityHeaderMismatch: {
    status: 401,
    error: "unauthorized_client",
    message: "The X-IDENTITY-HEADER header is missing or does not match IDENTITY_HEADER.",
    cause: "An App Service managed identity request came without the secret the platform gave the app.",
    fix: "Send `X-IDENTITY-HEADER: $IDENTITY_HEADER` (the SDKs do when both IDENTITY_ENDPOINT and IDENTITY_HEADER are set).",
    evidence: { inferred: "the status and message" },
  },
} satisfies Record<string, ManagedIdentityErrorEntry>;

export type ManagedIdentityErrorCode = keyof typeof CATALOG;

/** A refusal of the IMDS or App Service endpoint, with its catalogued status and message. */
export class ManagedIdentityError extends Error {
  readonly code: ManagedIdentityErrorCode;

  constructor(code: ManagedIdentityErrorCode, message?: string) {
    super(message ?? CATALOG[code].message);
    this.name = "ManagedIdentityError";
    this.code = code;
  }

  get status(): number {
    return CATALOG[this.code].status;
  }

  /** IMDS body: OAuth error form. */
  imdsBody(): { error: string; error_description: string } {
    return { error: CATALOG[this.code].error, error_description: this.message };
  }

  /** App Service body. */
  appServiceBody(): { statusCode: number; message: string; correlationId: string } {
    return { statusCode: this.status, message: this.message, correlationId: randomUUID() };
  }
}

/** The catalog as `acs-sandbox explain` prints it. */
export function managedIdentityExplained(): ExplainedError[] {
  return Object.entries(CATALOG).map(([code, e]: [string, ManagedIdentityErrorEntry]) => ({
    code,
    service: "Managed identity" as const,
    status: e.status,
    cause: e.cause,
    fix: e.fix,
    evidence: e.evidence,
  }));
}
