import { AzureCommunicationTokenCredential } from "@azure/communication-common";
import { CommunicationIdentityClient } from "@azure/communication-identity";
import { ClientSecretCredential } from "@azure/identity";
import { PublicClientApplication } from "@azure/msal-node";
import { beforeAll, describe, expect, it } from "vitest";
import type { RunningSandbox } from "../../harness/index.js";
import { clientId, identityOptions, MODES, msalAuth, tenantId, user } from "../support/modes.js";
import { rejection } from "../support/rest-error.js";
import { suiteSandbox } from "../../harness/transports/vitest.js";

/*
 * The quickstart end to end, through the real libraries only: MSAL signs alice in (ROPC) to the
 * Contoso app for the ACS Teams scopes, and the Identity SDK exchanges her Entra token for a
 * Communication Services token.
 */

const TEAMS_SCOPES = [
  "https://auth.msft.communication.azure.com/Teams.ManageCalls",
  "https://auth.msft.communication.azure.com/Teams.ManageChats",
];

function decode(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split(".")[1]!, "base64url").toString("utf8")) as Record<
    string,
    unknown
  >;
}

async function signIn(sb: RunningSandbox, name: "alice" | "bob") {
  const who = user(sb, name);
  const pca = new PublicClientApplication({
    auth: { clientId: clientId(sb, "contoso-teams"), ...msalAuth(sb, "organizations") },
  });
  const result = await pca.acquireTokenByUsernamePassword({
    scopes: TEAMS_SCOPES,
    username: who.upn,
    password: who.password,
  });
  if (!result) throw new Error("MSAL returned no token");
  return { token: result.accessToken, objectId: who.objectId };
}

describe.each(MODES)("Teams token exchange (%s mode)", (mode) => {
  const sb = suiteSandbox({ mode, port: 0 });
  let identity: CommunicationIdentityClient;
  let appId: string;
  beforeAll(async () => {
    identity = new CommunicationIdentityClient(sb.descriptor.acs[0]!.connectionString);
    appId = clientId(sb, "contoso-teams");
  });

  it("exchanges alice's Entra token; AzureCommunicationTokenCredential reports the Entra token's expiry", async () => {
    const { token, objectId } = await signIn(sb, "alice");
    const entraExp = decode(token).exp as number;

    const teams = await identity.getTokenForTeamsUser({
      teamsUserAadToken: token,
      clientId: appId,
      userObjectId: objectId,
    });
    expect(teams.expiresOn.getTime()).toBe(entraExp * 1000);
    expect(decode(teams.token)).toMatchObject({
      skypeid: `orgid:${objectId}`,
      scp: 1024,
      exp: entraExp,
      aad_appid: appId,
    });

    const credential = new AzureCommunicationTokenCredential(teams.token);
    const accessToken = await credential.getToken();
    expect(accessToken.token).toBe(teams.token);
    expect(accessToken.expiresOnTimestamp).toBe(entraExp * 1000);
  });

  it("stamps the Communication Services token with the time of the exchange, however soon or late it comes", async () => {
    const exchangeOf = async (token: string, objectId: string) =>
      decode(
        (
          await identity.getTokenForTeamsUser({
            teamsUserAadToken: token,
            clientId: appId,
            userObjectId: objectId,
          })
        ).token,
      );
    const soon = await signIn(sb, "alice");
    const soonIat = decode(soon.token).iat as number;
    const right = await exchangeOf(soon.token, soon.objectId);
    expect(right.csi).toBe(String(soonIat));
    expect(right.iat as number).toBeGreaterThanOrEqual(soonIat);
    expect(right.iat as number).toBeLessThanOrEqual(soonIat + 1);

    const late = await signIn(sb, "alice");
    const lateIat = decode(late.token).iat as number;
    sb.clock.advance("30s");
    const after = await exchangeOf(late.token, late.objectId);
    expect(after.csi).toBe(String(lateIat));
    expect(after.iat as number).toBeGreaterThanOrEqual(lateIat + 30);
    expect(after.iat as number).toBeLessThanOrEqual(lateIat + 31);
  });

  it("answers the §3 error cases as the real service", async () => {
    const { token, objectId } = await signIn(sb, "alice");
    const exchange = (teamsUserAadToken: string, clientId: string, userObjectId: string) =>
      rejection(identity.getTokenForTeamsUser({ teamsUserAadToken, clientId, userObjectId }));
    const invalidToken = {
      statusCode: 401,
      code: "InvalidAccessToken",
      message: "Provided access token is not valid.",
    };

    expect(await exchange("", appId, objectId)).toEqual(invalidToken);
    expect(await exchange("invalid", appId, objectId)).toEqual(invalidToken);
    expect(await exchange(token, "", objectId)).toEqual({
      statusCode: 400,
      code: "ValidationError",
      message: "AppId: The AppId field is required.",
    });
    expect(await exchange(token, appId, "")).toEqual({
      statusCode: 400,
      code: "ValidationError",
      message: "UserId: The UserId field is required.",
    });
    expect(await exchange(token, "invalid", objectId)).toEqual({
      statusCode: 400,
      code: "ValidationError",
      message: "Provided AppId has invalid format.",
    });
    expect(await exchange(token, appId, "invalid")).toEqual({
      statusCode: 400,
      code: "ValidationError",
      message: "Provided UserId has invalid format.",
    });
    expect(await exchange(token, clientId(sb, "contoso-backend"), objectId)).toEqual({
      statusCode: 400,
      code: "ValidationError",
      message: "AAD application is not the expected one.",
    });
    expect(await exchange(token, appId, user(sb, "bob").objectId)).toEqual({
      statusCode: 400,
      code: "ValidationError",
      message: "Provided AAD token issued for unexpected user.",
    });
  });

  it("refuses an Entra token that has expired on the sandbox clock", async () => {
    const { token, objectId } = await signIn(sb, "alice");
    const exp = decode(token).exp as number;
    // Past exp plus the 5 minutes of skew ACS is assumed to allow.
    sb.clock.set(new Date((exp + 6 * 60) * 1000));
    try {
      // The quickstart's back end: the connection string. The SDK stamps requests with its real clock;
      // the sandbox shifts that stamp by the same offset, so moving time does not break the signature.
      expect(
        await rejection(
          identity.getTokenForTeamsUser({
            teamsUserAadToken: token,
            clientId: appId,
            userObjectId: objectId,
          }),
        ),
      ).toEqual({
        statusCode: 401,
        code: "InvalidAccessToken",
        message: "Provided access token is not valid.",
      });
      // The same answer for a back end that authenticates with Entra ID, its token minted on sandbox time.
      const backend = new CommunicationIdentityClient(
        sb.descriptor.acs[0]!.endpoint,
        new ClientSecretCredential(
          tenantId(sb, "contoso"),
          clientId(sb, "contoso-backend"),
          "contoso-backend-secret",
          identityOptions(sb),
        ),
      );
      expect(
        await rejection(
          backend.getTokenForTeamsUser({ teamsUserAadToken: token, clientId: appId, userObjectId: objectId }),
        ),
      ).toEqual({
        statusCode: 401,
        code: "InvalidAccessToken",
        message: "Provided access token is not valid.",
      });
      expect((await identity.createUser()).communicationUserId).toMatch(/^8:acs:/);
    } finally {
      sb.clock.reset();
    }
  });

  it("refuses bob, who has no Teams licence, with the sandbox's 403", async () => {
    const { token, objectId } = await signIn(sb, "bob");
    expect(
      await rejection(
        identity.getTokenForTeamsUser({ teamsUserAadToken: token, clientId: appId, userObjectId: objectId }),
      ),
    ).toEqual({
      statusCode: 403,
      code: "TeamsLicenseRequired",
      message: "The Teams user does not have a valid Teams license.",
    });
  });
});
