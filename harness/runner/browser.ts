import { HeadlessUser, type Outcome } from "./user-agent.js";
import type { Descriptor } from "../sandbox/descriptor.js";
import { ScenarioRuntimeError, ServiceFailure } from "./errors.js";

/*
 * The person at the browser in interactive steps: the headless user-agent walks the sandbox's real pages
 * (sign-in, consent, admin approval, device code). Each step gets a fresh browser, as a support engineer
 * reproducing a customer's problem would use a private window.
 */

/** Someone at the keyboard: a test user's sign-in name and password, as the descriptor lists them. */
export type TestUser = Pick<Descriptor["users"][number], "upn" | "password">;

/** A page that asks nothing more (an error page, "Need admin approval") fails the step with its code. */
function ended(outcome: Outcome): URL {
  if (outcome.kind !== "page") return new URL(outcome.url);
  throw new ServiceFailure({
    code: outcome.aadsts !== undefined ? `AADSTS${outcome.aadsts}` : "ErrorPage",
    status: outcome.status,
    message: `${outcome.title}: ${outcome.text}`,
  });
}

/**
 * Opens an authorize URL, signs in and answers a consent page, up to the app's redirect URI (posting a
 * `form_post` form to it). Resolves with the URL the browser was sent to.
 */
export async function authorizeInBrowser(
  url: string,
  person: TestUser,
  consent: "accept" | "decline",
): Promise<URL> {
  const user = new HeadlessUser({ username: person.upn, password: person.password, consent });
  return ended(await user.navigate(url));
}

/** Opens the device-code page, enters the code, signs in and answers consent. */
export async function enterDeviceCode(
  verificationUri: string,
  userCode: string,
  person: TestUser,
  consent: "accept" | "decline",
): Promise<void> {
  const user = new HeadlessUser({ username: person.upn, password: person.password, consent });
  const outcome = await user.navigate(verificationUri, userCode);
  if (outcome.kind === "page" && outcome.aadsts !== undefined) ended(outcome);
}

/** An administrator opens an admin consent URL and approves or refuses; resolves with the final redirect. */
export async function adminConsentInBrowser(url: string, admin: TestUser, approve: boolean): Promise<URL> {
  const user = new HeadlessUser({
    username: admin.upn,
    password: admin.password,
    consent: approve ? "accept" : "decline",
  });
  const outcome = await user.navigate(url);
  if (outcome.kind === "form_post") {
    throw new ScenarioRuntimeError(
      `Admin consent answered with a form post to ${outcome.url}, not a redirect`,
    );
  }
  return ended(outcome);
}
