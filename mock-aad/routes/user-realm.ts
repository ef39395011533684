import { randomUUID } from "node:crypto";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { serveOperation } from "../../core/operations.js";
import type { AadContext } from "../context.js";
import type { Tenant } from "../directory.js";
import { ENTRA_OPERATIONS } from "../operations.js";
import { tokenHeaders } from "./respond.js";

/*
 * User realm discovery: before a password (ROPC) grant, MSAL Python, MSAL.NET, MSAL4J and MSAL Go ask
 * whether the user's domain is managed by Entra or federated to another identity provider. MSAL.NET and
 * MSAL4J fail the sign-in on any status but 200; MSAL Python falls back to plain ROPC only on 404.
 *
 * Recorded answer for a managed domain, with its headers: azure-sdk-for-python
 * sdk/communication/azure-communication-identity/tests/recordings/
 * test_communication_identity_client.test_exchange_teams_token_with_valid_token.yaml
 * (`GET /common/userrealm/SDKUser@acsauthtest.onmicrosoft.com?api-version=1.0`).
 */

const CLOUD_INSTANCE_NAME = "microsoftonline.com";
const CLOUD_AUDIENCE_URN = "urn:federation:MicrosoftOnline";

/** The tenant whose verified domain is the one in `upn` (the part after the last `@`). */
function managingTenant(tenants: readonly Tenant[], upn: string): Tenant | undefined {
  const domain = upn.slice(upn.lastIndexOf("@") + 1).toLowerCase();
  return tenants.find((t) => t.domain.toLowerCase() === domain);
}

/** api-version 1.0, the one every MSAL sends. */
export function userRealmV1(upn: string, tenant: Tenant | undefined) {
  if (!tenant) {
    // [infer] An unknown domain: Entra answers 200 with account_type "Unknown" and no domain_name.
    return { ver: "1.0", account_type: "Unknown", cloud_instance_name: CLOUD_INSTANCE_NAME };
  }
  return {
    ver: "1.0",
    account_type: "Managed",
    domain_name: tenant.domain,
    cloud_instance_name: CLOUD_INSTANCE_NAME,
    cloud_audience_urn: CLOUD_AUDIENCE_URN,
  };
}

/** [infer] api-version 2.0 (older ADAL and sign-in pages): the GetUserRealm shape with PascalCase names. */
export function userRealmV2(upn: string, tenant: Tenant | undefined) {
  const domain = upn.slice(upn.lastIndexOf("@") + 1);
  return {
    NameSpaceType: tenant ? "Managed" : "Unknown",
    Login: upn,
    DomainName: tenant?.domain ?? domain,
    FederationBrandName: tenant?.displayName ?? null,
    TenantBrandingInfo: null,
    cloud_instance_name: CLOUD_INSTANCE_NAME,
  };
}

type UserRealmRequest = FastifyRequest<{
  Params: { upn: string };
  Querystring: Record<string, string | undefined>;
}>;

export async function userRealmRoutes(app: FastifyInstance, ctx: AadContext): Promise<void> {
  const answer = async (request: UserRealmRequest, reply: FastifyReply) => {
    const upn = request.params.upn;
    const tenant = managingTenant(ctx.directory().tenants, upn);
    const body = request.query["api-version"] === "2.0" ? userRealmV2(upn, tenant) : userRealmV1(upn, tenant);
    return tokenHeaders(reply, randomUUID())
      .header("content-disposition", "inline; filename=userrealm.json")
      .send(body);
  };
  // The realm belongs to the domain, not to the authority's tenant: any tenant segment answers alike.
  serveOperation(app, ENTRA_OPERATIONS.userRealm, answer);
}
