import type { Evidence, ExplainedError } from "../../core/catalog.js";

/*
 * Every error the fake Azure Resource Manager answers with, in ARM's shape
 * `{"error":{"code","message"}}`. Each entry says where its wording was seen (`recorded`) and what is our
 * guess (`inferred`); correcting one is a one-line change here.
 */

export type ArmErrorCode =
  | "AuthenticationFailed"
  | "InvalidAuthenticationToken"
  | "ExpiredAuthenticationToken"
  | "InvalidAuthenticationTokenAudience"
  | "InvalidAuthenticationTokenTenant"
  | "AuthorizationFailed"
  | "MissingApiVersionParameter"
  | "InvalidApiVersionParameter"
  | "NoRegisteredProviderFound"
  | "SubscriptionNotFound"
  | "ResourceGroupNotFound"
  | "ResourceNotFound"
  | "InvalidRequestContent"
  | "InvalidResourceLocation"
  | "NameUnavailable"
  | "RoleAssignmentNotFound"
  | "RoleDefinitionDoesNotExist"
  | "RoleAssignmentExists"
  | "RoleAssignmentUpdateNotPermitted"
  | "InvalidRoleAssignmentId"
  | "PrincipalNotFound"
  | "NotFound"
  | "SubscriptionRequestsThrottled"
  | "TenantRequestsThrottled"
  | "ServiceUnavailable"
  | "InvalidResourceNamespace"
  | "InvalidFilterInQueryString"
  | "InternalServerError";

type Params = Record<string, string>;

interface CatalogEntry {
  status: number;
  message: (p: Params) => string;
  cause: string;
  fix: string;
  evidence: Evidence;
}

const CLI_ROLE_RECORDINGS =
  "Azure/azure-cli src/azure-cli/azure/cli/command_modules/role/tests/latest/recordings";

export const ARM_CATALOG: Record<ArmErrorCode, CatalogEntry> = {
  AuthenticationFailed: {
    status: 401,
    message: () => "Authentication failed. The 'Authorization' header is missing.",
    cause: "The request carries no `Authorization: Bearer` header.",
    fix: "Sign in (`az login`) or give the management client a credential.",
    evidence: { recorded: "Azure Monitor docs quoting ARM's 401 body (AuthenticationFailed)." },
  },
  InvalidAuthenticationToken: {
    status: 401,
    message: () => "The access token is invalid.",
    cause: "The bearer token is not a JWT Entra signed (bad signature, not a token at all, wrong issuer).",
    fix: "Get a token from the sandbox's Entra ID for https://management.azure.com/.default.",
    evidence: {
      recorded: "ARM error code as clients match on it (AzureRM error lists).",
      inferred: "the message wording for a malformed token.",
    },
  },
  ExpiredAuthenticationToken: {
    status: 401,
    message: (p) =>
      `The access token expiry UTC time '${p.expiry}' is earlier than current UTC time '${p.now}'.`,
    cause: "The token's `exp` has passed on the sandbox clock.",
    fix: "Get a new token (the SDK credentials refresh by themselves).",
    evidence: {
      recorded: "ARM's ExpiredAuthenticationToken wording as reported by SDK users.",
      inferred: "the time format (ours: ISO 8601).",
    },
  },
  InvalidAuthenticationTokenAudience: {
    status: 401,
    message: (p) =>
      `The access token has been obtained for wrong audience or resource '${p.audience}'. It should exactly match with one of the allowed audiences 'https://management.core.windows.net/','https://management.core.windows.net','https://management.azure.com/','https://management.azure.com'.`,
    cause: "The token was issued for another resource (Graph, ACS) rather than Azure Service Management.",
    fix: "Ask for the scope https://management.azure.com/.default (or https://management.core.windows.net//.default).",
    evidence: {
      recorded: "ARM answers quoted in Azure SDK and PowerShell issues (InvalidAuthenticationTokenAudience).",
    },
  },
  InvalidAuthenticationTokenTenant: {
    status: 401,
    message: (p) =>
      `The access token is from the wrong issuer 'https://sts.windows.net/${p.tokenTenant}/'. It must match the tenant 'https://sts.windows.net/${p.subscriptionTenant}/' associated with this subscription. Please use the authority (URL) 'https://login.windows.net/${p.subscriptionTenant}' to get the token. Note, if the subscription is transferred to another tenant there is no impact to the services, but information about new tenant could take time to propagate (up to an hour). If you just transferred your subscription and see this error message, please try back later.`,
    cause: "The token was issued by another tenant than the one owning the subscription.",
    fix: "Sign in to the subscription's tenant (`az login --tenant <tenant>`, or the credential's tenantId).",
    evidence: {
      recorded:
        "ARM answers quoted in Azure/azure-sdk-for-net and azure-sdk-for-js issues, with the WWW-Authenticate header.",
    },
  },
  AuthorizationFailed: {
    status: 403,
    message: (p) =>
      `The client '${p.client}' with object id '${p.objectId}' does not have authorization to perform action '${p.action}' over scope '${p.scope}' or the scope is invalid. If access was recently granted, please refresh your credentials.`,
    cause: "The caller holds no role at the scope or above that allows the action.",
    fix: "Have an Owner of the subscription assign the caller a role at the scope or above: Reader reads, Contributor creates and changes resources and lists their keys, Owner or User Access Administrator assigns roles. For example `az role assignment create --assignee <user or app id> --role Contributor --scope /subscriptions/<id>/resourceGroups/<group>`.",
    evidence: {
      recorded: "ARM 403 bodies quoted in AKS and Azure docs troubleshooting notes.",
      inferred:
        "the client is the user's UPN, or the object id for an app (both seen, the UPN form is not recorded here).",
    },
  },
  MissingApiVersionParameter: {
    status: 400,
    message: () => "The api-version query parameter (?api-version=) is required for all requests.",
    cause: "The request has no `api-version` query parameter.",
    fix: "Add `?api-version=` with a version the operation supports.",
    evidence: { recorded: "ARM's answer as emulators and client libraries quote it." },
  },
  InvalidApiVersionParameter: {
    status: 400,
    message: (p) =>
      `The api-version '${p.apiVersion}' is invalid. The supported versions are '${p.supported}'.`,
    cause: "ARM's own endpoints (tenants, subscriptions, resource groups) do not know this api-version.",
    fix: "Use one of the supported versions the message lists (update the Azure CLI or SDK).",
    evidence: {
      recorded: "ARM answers quoted in az CLI and Terraform issues (newest first, comma separated).",
    },
  },
  NoRegisteredProviderFound: {
    status: 400,
    message: (p) =>
      `No registered resource provider found for location '${p.location}' and API version '${p.apiVersion}' for type '${p.type}'. The supported api-versions are '${p.supported}'. The supported locations are '${p.locations}'.`,
    cause: "The resource provider does not serve this api-version for the resource type.",
    fix: "Use one of the supported api-versions the message lists.",
    evidence: {
      recorded: "Azure docs (error-register-resource-provider) and deployment logs quoting the message.",
      inferred: "that Microsoft.Authorization answers in this form too, with location ''.",
    },
  },
  SubscriptionNotFound: {
    status: 404,
    message: (p) => `The subscription '${p.subscriptionId}' could not be found.`,
    cause: "No subscription has this id.",
    fix: "Use `az account list` to see the subscriptions the signed-in account can use.",
    evidence: { recorded: "ARM's SubscriptionNotFound wording as az CLI users report it." },
  },
  ResourceGroupNotFound: {
    status: 404,
    message: (p) => `Resource group '${p.resourceGroup}' could not be found.`,
    cause: "The subscription has no resource group of this name.",
    fix: "Create it (`az group create`) or use an existing one (`az group list`).",
    evidence: { recorded: "Azure/azure-cli resource module recordings (ResourceGroupNotFound)." },
  },
  ResourceNotFound: {
    status: 404,
    message: (p) =>
      `The Resource '${p.type}/${p.name}' under resource group '${p.resourceGroup}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`,
    cause: "No resource of this type and name exists in the resource group.",
    fix: "Check the name and resource group (`az resource list -g …`).",
    evidence: { recorded: "Azure/azure-cli resource module recordings (ResourceNotFound)." },
  },
  InvalidRequestContent: {
    status: 400,
    message: (p) => `The request content was invalid and could not be deserialized: '${p.detail}'.`,
    cause: "The request body is not the JSON the operation takes.",
    fix: "Send the body the REST spec describes.",
    evidence: {
      recorded: "ARM's InvalidRequestContent code.",
      inferred: "the detail after the colon (Newtonsoft's text in Azure).",
    },
  },
  InvalidResourceLocation: {
    status: 400,
    message: (p) =>
      `The provided location '${p.location}' is not available for resource type 'Microsoft.Communication/communicationServices'. List of available regions for the resource type is 'global'.`,
    cause: "Communication Services resources live in location `global`.",
    fix: 'Create it with `"location": "global"` and choose `dataLocation` for where data rests.',
    evidence: {
      recorded: "ARM's LocationNotAvailableForResourceType wording.",
      inferred: "the code name ACS's provider uses for it.",
    },
  },
  NameUnavailable: {
    status: 409,
    message: (p) => `The name '${p.name}' is already taken.`,
    cause:
      "Another subscription or resource group holds a Communication Services resource of this name (names are global: they are host names).",
    fix: "Pick another name.",
    evidence: { inferred: "the provider's conflict answer for a taken name is not recorded." },
  },
  RoleAssignmentNotFound: {
    status: 404,
    message: (p) => `The role assignment '${p.name}' is not found.`,
    cause: "No role assignment of this name exists at the scope.",
    fix: "List the assignments at the scope (`az role assignment list --scope …`).",
    evidence: { inferred: "wording of ARM's RoleAssignmentNotFound." },
  },
  RoleDefinitionDoesNotExist: {
    status: 404,
    message: (p) => `The specified role definition with ID '${p.id}' does not exist.`,
    cause: "The role definition id names no built-in role the sandbox knows.",
    fix: "Use a built-in role (Owner, Contributor, Reader, User Access Administrator, Communication and Email Service Owner).",
    evidence: { recorded: "ARM answer quoted in az CLI issues (RoleDefinitionDoesNotExist)." },
  },
  RoleAssignmentExists: {
    status: 409,
    message: () => "The role assignment already exists.",
    cause: "The principal already holds this role at this scope under another assignment name.",
    fix: "Nothing to do, or delete the other assignment first.",
    evidence: { recorded: `${CLI_ROLE_RECORDINGS}/test_role_assignment_handle_conflicted_assignments.yaml` },
  },
  RoleAssignmentUpdateNotPermitted: {
    status: 409,
    message: () => "Tenant ID, application ID, principal ID, and scope are not allowed to be updated.",
    cause: "A PUT names an existing assignment with another principal or role.",
    fix: "Create a new assignment with a new GUID name.",
    evidence: { recorded: "ARM answer quoted in Terraform and az CLI issues." },
  },
  InvalidRoleAssignmentId: {
    status: 400,
    message: (p) => `The role assignment ID '${p.name}' is not valid. The role assignment ID must be a GUID.`,
    cause: "A role assignment's name must be a GUID.",
    fix: "Name it with a new GUID (the CLI and SDK samples use a random UUID).",
    evidence: { recorded: "ARM answer quoted in Bicep/Terraform issues (InvalidRoleAssignmentId)." },
  },
  PrincipalNotFound: {
    status: 400,
    message: (p) =>
      `Principal ${(p.principalId ?? "").replace(/-/g, "")} does not exist in the directory ${p.tenantId}. Check that you have the correct principal ID. If you are creating this principal and then immediately assigning a role, this error might be related to a replication delay. In this case, set the role assignment principalType property to a value, such as ServicePrincipal, User, or Group.  See https://aka.ms/docs-principaltype`,
    cause: "The principal id names no user or service principal of the subscription's tenant.",
    fix: "Use the object id of a user, service principal or managed identity of the tenant.",
    evidence: { recorded: "ARM answer quoted in Bicep and az CLI issues (PrincipalNotFound)." },
  },
  NotFound: {
    status: 404,
    message: (p) => `No HTTP resource was found that matches the request URI '${p.uri}'.`,
    cause: "No ARM operation the sandbox serves matches the method and path.",
    fix: "The sandbox serves tenants, subscriptions, resource groups, Microsoft.Communication/communicationServices and Microsoft.Authorization role assignments and definitions (docs/arm.md).",
    evidence: {
      recorded: "ARM's answer to an unknown route quoted in az webapp troubleshooting notes.",
      inferred: "the code (`NotFound`) and that unknown provider types answer the same.",
    },
  },
  // Service faults: answered only when a fault rule says so (`/_sandbox/faults`).
  SubscriptionRequestsThrottled: {
    status: 429,
    message: (p) =>
      `Number of '${p.kind}' requests for subscription '${p.subscriptionId}' actor '${p.actor}' exceeded. Please try again after '${p.retryAfter}' seconds after additional tokens are available. Refer to https://aka.ms/arm-throttling for additional information.`,
    cause:
      "Azure Resource Manager is throttling the caller's reads or writes in this subscription (in the sandbox: a fault rule asked for it).",
    fix: "Wait as Retry-After says, then retry: the Azure SDKs and the Azure CLI do so by themselves. Cache what you read and spread bursts (https://learn.microsoft.com/azure/azure-resource-manager/management/request-limits-and-throttling).",
    evidence: {
      recorded:
        "velero-io/velero issue #9171 (ARM's 429 body, SubscriptionRequestsThrottled, quoted in full); https://learn.microsoft.com/azure/azure-resource-manager/management/request-limits-and-throttling (429 with Retry-After)",
      inferred: "the actor is the token's `oid`, read from the request's bearer token.",
    },
  },
  TenantRequestsThrottled: {
    status: 429,
    message: (p) =>
      `Number of '${p.kind}' requests for tenant '${p.tenantId}' actor '${p.actor}' exceeded. Please try again after '${p.retryAfter}' seconds after additional tokens are available. Refer to https://aka.ms/arm-throttling for additional information.`,
    cause:
      "Azure Resource Manager is throttling the caller's tenant-level requests (subscriptions and tenants lists; in the sandbox: a fault rule asked for it).",
    fix: "Wait as Retry-After says, then retry: the Azure SDKs and the Azure CLI do so by themselves.",
    evidence: {
      recorded:
        "https://learn.microsoft.com/azure/azure-resource-manager/management/request-limits-and-throttling (tenant-level limits; 429 with Retry-After)",
      inferred: "the code and message, patterned on SubscriptionRequestsThrottled's recorded wording.",
    },
  },
  ServiceUnavailable: {
    status: 503,
    message: () => "The service is temporarily unavailable. Please try again later.",
    cause:
      "Azure Resource Manager or the resource provider is briefly unavailable (in the sandbox: a fault rule asked for it, or the sandbox's store — a team sandbox's database — is down; GET /_sandbox/health says why).",
    fix: "Retry with back-off; the Azure SDKs retry 503 by themselves and honour Retry-After.",
    evidence: { inferred: "no recorded ARM 503 body; the code and message are the sandbox's." },
  },
  InvalidResourceNamespace: {
    status: 404,
    message: (p) => `The resource namespace '${p.namespace}' is invalid.`,
    cause: "The provider namespace is not one the sandbox serves.",
    fix: "The sandbox serves the Microsoft.Communication and Microsoft.Authorization providers (docs/arm.md).",
    evidence: {
      recorded:
        "ARM's 404 for an unknown provider namespace as quoted in public code: InvalidResourceNamespace, \"The resource namespace 'Microsoft.ContainerStorage' is invalid.\"",
    },
  },
  InvalidFilterInQueryString: {
    status: 400,
    message: (p) => `Invalid $filter '${p.filter}' specified in the query string.`,
    cause: "A resource list's `$filter` the sandbox does not read.",
    fix: "Filter on resourceType, name, location or resourceGroup with `eq`, joined by `and` (what `az resource list` sends).",
    evidence: { inferred: "the code name and wording of ARM's refusal of a filter it cannot parse." },
  },
  InternalServerError: {
    status: 500,
    message: (p) =>
      p.trackingId
        ? `Encountered internal server error. Diagnostic information: timestamp '${p.timestamp}', subscription id '${p.subscriptionId ?? ""}', tracking id '${p.trackingId}', request correlation id '${p.correlationId}'.`
        : "The sandbox failed while answering; the stack is in GET /_sandbox/requests.",
    cause:
      "ARM failed while answering: a fault rule asked for it (the journal entry names the rule), or a bug in the sandbox's ARM.",
    fix: "Retry: the Azure SDKs retry 5xx answers by themselves with exponential back-off. For a sandbox bug, report it with the journal entry's `error.stack` (GET /_sandbox/requests).",
    evidence: {
      recorded:
        "Azure/azure-powershell issue #11291 (ARM's 500: 'Encountered internal server error. Diagnostic information: timestamp …, subscription id …, tracking id …, request correlation id ….')",
      inferred: "the sandbox's own failures say where its stack is instead.",
    },
  },
};

/** An ARM error with its code and message; the wire form comes from the catalog. */
export class ArmError extends Error {
  readonly status: number;
  constructor(
    readonly code: ArmErrorCode,
    readonly params: Params = {},
  ) {
    const entry = ARM_CATALOG[code];
    super(entry.message(params));
    this.name = "ArmError";
    this.status = entry.status;
  }

  /** `{"error":{"code","message"}}`, ARM's error body. */
  body(): { error: { code: string; message: string } } {
    return { error: { code: this.code, message: this.message } };
  }
}

/** The catalog as `acs-sandbox explain` prints it. */
export function armCatalog(): ExplainedError[] {
  return (Object.entries(ARM_CATALOG) as [ArmErrorCode, CatalogEntry][]).map(([code, e]) => ({
    code,
    service: "Azure Resource Manager" as const,
    status: e.status,
    cause: e.cause,
    fix: e.fix,
    evidence: e.evidence,
  }));
}
