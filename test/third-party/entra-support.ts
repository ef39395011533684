import {
  ConfidentialClientApplication,
  PublicClientApplication,
  type AuthenticationResult,
} from "@azure/msal-node";
import { decodeJwt, type JWTPayload } from "jose";
import type { RunningSandbox } from "../../harness/index.js";
import { clientId, msalAuth, user } from "../support/modes.js";

/** The delegated ACS scopes the quickstart's app asks for. */
export const ACS_SCOPES = [
  "https://auth.msft.communication.azure.com/Teams.ManageCalls",
  "https://auth.msft.communication.azure.com/Teams.ManageChats",
];
/** The RBAC audience as the ACS SDK writes it: with a double slash. */
export const ACS_DATA_PLANE_SCOPE = "https://communication.azure.com//.default";
export const ACS_RESOURCE = "https://auth.msft.communication.azure.com";

/** A public client for `app`, signing in through `tenant`'s authority. */
export function publicClient(sb: RunningSandbox, tenant: string, app = "contoso-teams") {
  return new PublicClientApplication({ auth: { clientId: clientIdOrRaw(sb, app), ...msalAuth(sb, tenant) } });
}

/** A confidential client for `app` with a client secret. */
export function confidentialClient(sb: RunningSandbox, tenant: string, app: string, clientSecret: string) {
  return new ConfidentialClientApplication({
    auth: { clientId: clientIdOrRaw(sb, app), clientSecret, ...msalAuth(sb, tenant) },
  });
}

function clientIdOrRaw(sb: RunningSandbox, app: string): string {
  return /^[0-9a-f-]{36}$/i.test(app) ? app : clientId(sb, app);
}

/** ROPC for a test user of the sandbox world. */
export function signInWithPassword(
  sb: RunningSandbox,
  options: { user: string; tenant?: string; app?: string; scopes?: string[]; password?: string },
): Promise<AuthenticationResult | null> {
  const u = user(sb, options.user);
  return publicClient(sb, options.tenant ?? u.tenant, options.app).acquireTokenByUsernamePassword({
    username: u.upn,
    password: options.password ?? u.password,
    scopes: options.scopes ?? ACS_SCOPES,
  });
}

export function claimsOf(token: string | undefined): JWTPayload & Record<string, unknown> {
  if (!token) throw new Error("No token");
  return decodeJwt(token) as JWTPayload & Record<string, unknown>;
}

/** What MSAL surfaces for a server error: `errorCode` (OAuth error), `errorNo` (AADSTS number), `subError`. */
export async function msalFailure(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (err) {
    const e = err as {
      name: string;
      errorCode: string;
      errorNo?: string | number;
      subError?: string;
      status?: number;
      message: string;
    };
    return {
      name: e.name,
      errorCode: e.errorCode,
      // MSAL copies `error_codes[0]` as the JSON gave it (a number).
      errorNo: e.errorNo === undefined ? undefined : String(e.errorNo),
      subError: e.subError || undefined,
      status: e.status,
      message: e.message,
    };
  }
  throw new Error("Expected the library call to fail");
}
