import {
  ConfidentialClientApplication,
  CryptoProvider,
  PublicClientApplication,
  type AuthenticationResult,
} from "@azure/msal-node";
import type { Step } from "../scenario.js";
import { authorizeInBrowser, enterDeviceCode, type TestUser } from "../browser.js";
import { authorityFor, confidentialClient, publicClient, tenantSegment } from "../clients.js";
import type { RunContext } from "../context.js";
import { redirectError, ScenarioRuntimeError, ServiceFailure } from "../errors.js";
import { claimsOf } from "../tokens.js";
import type { StepValue } from "../types.js";

type SignInArgs = Extract<Step, { action: "signIn" }>["args"];

/** The quickstart's scopes: both delegated ACS Teams permissions. */
export const TEAMS_SCOPES = [
  "https://auth.msft.communication.azure.com/Teams.ManageCalls",
  "https://auth.msft.communication.azure.com/Teams.ManageChats",
];
/** RBAC on the ACS data plane, for a confidential client's own token. */
const ACS_DATA_PLANE_DEFAULT = "https://communication.azure.com//.default";
/** The redirect URI of the quickstart's JavaScript sample (`http://localhost:${PORT}/redirect`). */
const JS_SAMPLE_REDIRECT = "http://localhost:3000/redirect";

/** Signs in through MSAL Node with the step's flow; the token becomes the scenario's current Entra token. */
export async function signIn(ctx: RunContext, args: SignInArgs): Promise<StepValue> {
  const app = await ctx.app(args.app);
  const user = args.user ? await ctx.user(args.user) : undefined;
  const descriptor = await ctx.descriptor();
  const homeTenant = user?.tenant ?? app.tenant;
  const segment = tenantSegment(descriptor, args.tenant ?? homeTenant);
  const confidentialFlow = args.flow === "clientCredentials" || args.flow === "onBehalfOf";
  const secret = args.secret ?? (confidentialFlow ? await firstSecret(ctx, app.name) : undefined);
  const key = `${app.name}|${secret ?? ""}`;
  let client = ctx.msalApps.get(key);
  if (!client) {
    client = secret
      ? confidentialClient(descriptor, app.clientId, segment, secret)
      : publicClient(descriptor, app.clientId, segment);
    ctx.msalApps.set(key, client);
  }
  const authority = authorityFor(descriptor, segment);
  const person = (): TestUser => {
    if (!user) throw new ScenarioRuntimeError(`signIn with flow ${args.flow} needs a user`);
    return { upn: user.upn, password: args.password ?? user.password };
  };
  const scopes = args.scopes ?? (args.flow === "clientCredentials" ? [ACS_DATA_PLANE_DEFAULT] : TEAMS_SCOPES);

  // On-behalf-of: the token the middle tier received from its caller, as MSAL's `oboAssertion`.
  const incoming = () => {
    const token = args.token ? ctx.savedValue(args.token, "entraToken") : ctx.lastEntraToken;
    if (!token) {
      throw new ScenarioRuntimeError(
        "signIn with flow onBehalfOf needs the user's token for the app: sign in to it first, or name one with token:",
      );
    }
    return token.accessToken;
  };
  const result = await acquire(client, args, { authority, scopes, person, incoming });
  if (!result) throw new ScenarioRuntimeError("MSAL returned no token");
  const value: Extract<StepValue, { kind: "entraToken" }> = {
    kind: "entraToken",
    accessToken: result.accessToken,
    claims: claimsOf(result.accessToken),
    uniqueId: result.uniqueId,
  };
  ctx.lastEntraToken = value;
  return value;
}

interface Request {
  authority: string;
  scopes: string[];
  person: () => TestUser;
  /** The incoming user token an on-behalf-of request passes on. */
  incoming: () => string;
}

async function acquire(
  client: PublicClientApplication | ConfidentialClientApplication,
  args: SignInArgs,
  { authority, scopes, person, incoming }: Request,
): Promise<AuthenticationResult | null> {
  switch (args.flow) {
    case "password": {
      const { upn, password } = person();
      return client.acquireTokenByUsernamePassword({ scopes, username: upn, password, authority });
    }
    case "clientCredentials":
      if (!(client instanceof ConfidentialClientApplication)) {
        throw new ScenarioRuntimeError(
          "clientCredentials needs a confidential client: give the app a secret",
        );
      }
      return client.acquireTokenByClientCredential({ scopes, authority });
    case "onBehalfOf":
      // A middle-tier API trades the user's token for one to ACS, as the user (MSAL Node's OBO flow).
      if (!(client instanceof ConfidentialClientApplication)) {
        throw new ScenarioRuntimeError("onBehalfOf needs a confidential client: give the app a secret");
      }
      return client.acquireTokenOnBehalfOf({ oboAssertion: incoming(), scopes, authority });
    case "silent":
    case "refresh": {
      const upn = person().upn.toLowerCase();
      const account = (await client.getTokenCache().getAllAccounts()).find(
        (a) => a.username.toLowerCase() === upn,
      );
      if (!account) throw new ScenarioRuntimeError(`No earlier sign-in of ${upn} to this app to refresh`);
      // MSAL judges its cache on the wall clock, not the sandbox's: `refresh` forces the refresh-token grant.
      return client.acquireTokenSilent({ account, scopes, authority, forceRefresh: args.flow === "refresh" });
    }
    case "interactive":
      return interactive(client, args, { authority, scopes, person, incoming });
    case "authCode":
      return authCode(client, args, { authority, scopes, person, incoming });
    case "deviceCode":
      return deviceCode(client, args, { authority, scopes, person, incoming });
  }
}

function requirePublic(client: PublicClientApplication | ConfidentialClientApplication, flow: string) {
  if (!(client instanceof PublicClientApplication)) {
    throw new ScenarioRuntimeError(`The ${flow} flow runs in a public client: drop the secret`);
  }
  return client;
}

/** The quickstart's program: acquireTokenInteractive, with the browser handed to the headless user-agent. */
async function interactive(
  client: PublicClientApplication | ConfidentialClientApplication,
  args: SignInArgs,
  { authority, scopes, person }: Request,
) {
  const pca = requirePublic(client, "interactive");
  return pca.acquireTokenInteractive({
    scopes,
    authority,
    openBrowser: async (url) => void (await authorizeInBrowser(url, person(), args.consent)),
    successTemplate: "Signed in. You can close this window.",
    errorTemplate: "Sign-in failed: {error}",
  });
}

/** The quickstart's JavaScript sample: getAuthCodeUrl with PKCE, then acquireTokenByCode. */
async function authCode(
  client: PublicClientApplication | ConfidentialClientApplication,
  args: SignInArgs,
  { authority, scopes, person }: Request,
) {
  const redirectUri = args.redirectUri ?? JS_SAMPLE_REDIRECT;
  const { verifier, challenge } = await new CryptoProvider().generatePkceCodes();
  const url = await client.getAuthCodeUrl({
    scopes,
    authority,
    redirectUri,
    codeChallenge: challenge,
    codeChallengeMethod: "S256",
  });
  const landed = await authorizeInBrowser(url, person(), args.consent);
  const failure = redirectError(landed.searchParams);
  if (failure) throw new ServiceFailure(failure);
  const code = landed.searchParams.get("code");
  if (!code) throw new ScenarioRuntimeError(`The browser ended at ${landed.href} without a code`);
  return client.acquireTokenByCode({ code, scopes, authority, redirectUri, codeVerifier: verifier });
}

/** Device code: MSAL polls while the user enters the code on the verification page. */
async function deviceCode(
  client: PublicClientApplication | ConfidentialClientApplication,
  args: SignInArgs,
  { authority, scopes, person }: Request,
) {
  const pca = requirePublic(client, "deviceCode");
  let browserFailure: unknown;
  const request = {
    scopes,
    authority,
    cancel: false,
    deviceCodeCallback: (response: { verificationUri: string; userCode: string }) => {
      enterDeviceCode(response.verificationUri, response.userCode, person(), args.consent).catch(
        (err: unknown) => {
          browserFailure = err;
          request.cancel = true;
        },
      );
    },
  };
  try {
    return await pca.acquireTokenByDeviceCode(request);
  } catch (err) {
    throw browserFailure ?? err;
  }
}

async function firstSecret(ctx: RunContext, app: string): Promise<string> {
  const doc = await ctx.control.world();
  const secret = doc.apps[app]?.secrets[0]?.value;
  if (!secret)
    throw new ScenarioRuntimeError(`App "${app}" has no client secret in the world; give one with secret:`);
  return secret;
}
