import { PublicClientApplication, type AuthenticationResult } from "@azure/msal-node";
import { HeadlessUser, type Outcome, type Person } from "../../harness/runner/user-agent.js";
import type { RunningSandbox } from "../../harness/index.js";
import { clientId, msalAuth, user } from "../support/modes.js";
import { ACS_SCOPES } from "./entra-support.js";

/** Thrown from `openBrowser` when the sign-in ended on a page: MSAL's loopback would otherwise wait forever. */
export class EndedOnPage extends Error {
  constructor(readonly outcome: Extract<Outcome, { kind: "page" }>) {
    super(`The sign-in ended on the page "${outcome.title}"`);
  }
}

/** The person as the test world knows them: their UPN and password. */
export function person(sb: RunningSandbox, name: string, more: Person = {}): Person {
  const u = user(sb, name);
  return { username: u.upn, password: u.password, ...more };
}

export interface InteractiveRun {
  result: AuthenticationResult | undefined;
  error: (Error & { errorCode?: string; errorNo?: string | number; subError?: string }) | undefined;
  outcome: Outcome | undefined;
}

/**
 * The quickstart's program: msal-node `acquireTokenInteractive` with the browser replaced by the headless
 * user, who walks the pages and posts the form_post answer to MSAL's loopback server.
 */
export async function signInInteractively(
  sb: RunningSandbox,
  options: {
    tenant: string;
    browser: HeadlessUser;
    app?: string;
    scopes?: string[];
    prompt?: string;
    loginHint?: string;
    domainHint?: string;
  },
): Promise<InteractiveRun> {
  const pca = new PublicClientApplication({
    auth: { clientId: clientId(sb, options.app ?? "contoso-teams"), ...msalAuth(sb, options.tenant) },
  });
  const run: InteractiveRun = { result: undefined, error: undefined, outcome: undefined };
  try {
    run.result = await pca.acquireTokenInteractive({
      scopes: options.scopes ?? ACS_SCOPES,
      ...(options.prompt ? { prompt: options.prompt } : {}),
      ...(options.loginHint ? { loginHint: options.loginHint } : {}),
      ...(options.domainHint ? { domainHint: options.domainHint } : {}),
      successTemplate: "Signed in. You can close this window.",
      errorTemplate: "Sign-in failed: {{error}}",
      openBrowser: async (url) => {
        run.outcome = await options.browser.navigate(url);
        if (run.outcome.kind === "page") throw new EndedOnPage(run.outcome);
      },
    });
  } catch (err) {
    run.error = err as InteractiveRun["error"];
  }
  return run;
}

/** Where the sandbox's Entra ID answers in this mode: the real host when intercepting, the port otherwise. */
export function loginOrigin(sb: RunningSandbox): string {
  return sb.descriptor.mode === "server" ? sb.descriptor.baseUrl : "https://login.microsoftonline.com";
}

/** An authorize URL as a hand-written app would build it. */
export function authorizeUrl(
  sb: RunningSandbox,
  segment: string,
  params: Record<string, string | undefined>,
): string {
  const url = new URL(`${loginOrigin(sb)}/${segment}/oauth2/v2.0/authorize`);
  for (const [k, v] of Object.entries(params)) if (v !== undefined) url.searchParams.set(k, v);
  return url.toString();
}

/** Redeems a code by hand at the token endpoint (as a browser or a bare HTTP client would). */
export async function redeemCode(
  sb: RunningSandbox,
  segment: string,
  form: Record<string, string>,
  headers: Record<string, string> = {},
) {
  const response = await fetch(`${loginOrigin(sb)}/${segment}/oauth2/v2.0/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
    body: new URLSearchParams({ grant_type: "authorization_code", ...form }).toString(),
  });
  return {
    status: response.status,
    headers: response.headers,
    body: (await response.json()) as Record<string, unknown>,
  };
}
