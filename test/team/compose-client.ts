// The client side of test/team/compose.test.ts: an app of the team, in a process of its own, trusting
// exactly what docs/team-sandbox.md tells a user to trust: the CA copied out of a replica, named in
// NODE_EXTRA_CA_CERTS. It reaches the sandbox only at TEAM_SANDBOX_URL (the load balancer), runs the
// Teams access token quickstart with the real MSAL Node and Identity SDK, and, given what an earlier run
// printed (REFRESH_TOKEN, COMMUNICATION_USER_ID), redeems that refresh token and issues a token for that
// identity. It prints one JSON line (ComposeClientResult) and exits, closing its connections.
import { CommunicationIdentityClient } from "@azure/communication-identity";
import { PublicClientApplication } from "@azure/msal-node";
import type { Descriptor } from "../../harness/sandbox/descriptor.js";

/** What one run printed: raw tokens, for the test to check their claims. */
export interface ComposeClientResult {
  tenantId: string;
  aliceObjectId: string;
  idToken: string;
  /** The communication access token getTokenForTeamsUser returned for alice's Entra token. */
  teamsUserToken: string;
  refreshToken: string;
  communicationUserId: string;
  /** With REFRESH_TOKEN: the access token it was redeemed for. */
  refreshedAccessToken?: string;
  /** With COMMUNICATION_USER_ID: a token issued for that earlier identity. */
  earlierIdentityToken?: string;
}

const SCOPES = [
  "https://auth.msft.communication.azure.com/Teams.ManageCalls",
  "https://auth.msft.communication.azure.com/Teams.ManageChats",
];

const url = process.env.TEAM_SANDBOX_URL;
if (!url) throw new Error("TEAM_SANDBOX_URL is unset");

const res = await fetch(`${url}/_sandbox/descriptor`);
if (res.status !== 200) throw new Error(`GET /_sandbox/descriptor answered ${res.status}`);
const descriptor = (await res.json()) as Descriptor;
const tenant = descriptor.tenants.find((t) => t.name === "fabrikam")!;
const app = descriptor.apps.find((a) => a.name === "contoso-teams")!;
const alice = descriptor.users.find((u) => u.name === "alice")!;

const msalConfig = {
  auth: {
    clientId: app.clientId,
    authority: `${url}/${tenant.id}`,
    knownAuthorities: [new URL(url).host],
  },
};
const msal = new PublicClientApplication(msalConfig);
const signedIn = await msal.acquireTokenByUsernamePassword({
  username: alice.upn,
  password: alice.password,
  scopes: SCOPES,
});
if (!signedIn) throw new Error("MSAL returned no result for alice's sign-in");

const identity = new CommunicationIdentityClient(descriptor.acs[0]!.connectionString);
const exchanged = await identity.getTokenForTeamsUser({
  teamsUserAadToken: signedIn.accessToken,
  clientId: app.clientId,
  userObjectId: signedIn.uniqueId,
});
const { user } = await identity.createUserAndToken(["chat"]);

const cache = JSON.parse(msal.getTokenCache().serialize()) as {
  RefreshToken: Record<string, { secret: string }>;
};
const result: ComposeClientResult = {
  tenantId: tenant.id,
  aliceObjectId: alice.objectId,
  idToken: signedIn.idToken,
  teamsUserToken: exchanged.token,
  refreshToken: Object.values(cache.RefreshToken)[0]!.secret,
  communicationUserId: user.communicationUserId,
};

const { REFRESH_TOKEN, COMMUNICATION_USER_ID } = process.env;
if (REFRESH_TOKEN) {
  // A new application object: nothing cached, the refresh token is all it has.
  const refreshed = await new PublicClientApplication(msalConfig).acquireTokenByRefreshToken({
    refreshToken: REFRESH_TOKEN,
    scopes: SCOPES,
  });
  result.refreshedAccessToken = refreshed?.accessToken;
}
if (COMMUNICATION_USER_ID) {
  const token = await identity.getToken({ communicationUserId: COMMUNICATION_USER_ID }, ["voip"]);
  result.earlierIdentityToken = token.token;
}

process.stdout.write(`${JSON.stringify(result)}\n`);
