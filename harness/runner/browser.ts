import { PendingFeatureError } from "./errors.js";

/** Someone at the keyboard: a test user's sign-in name and password. */
export interface Person {
  upn: string;
  password: string;
}

/**
 * A person with a browser, as the runner needs one: walks the sandbox's sign-in and consent pages the way
 * a user would (through the same HTML), and reports where the browser ended.
 */
export interface Browser {
  /**
   * Opens an authorize URL, signs in, answers a consent page, and follows redirects up to the app's
   * redirect URI (posting `form_post` forms to it). Resolves with that final URL; rejects with a
   * `ServiceFailure` when Entra shows an error page instead.
   */
  authorize(url: string, person: Person, consent: "accept" | "decline"): Promise<URL>;
  /** Opens the device-code page, enters the code, signs in and answers consent. */
  enterDeviceCode(
    verificationUri: string,
    userCode: string,
    person: Person,
    consent: "accept" | "decline",
  ): Promise<void>;
  /** An administrator opens an admin consent URL and approves or refuses; resolves with the final redirect. */
  adminConsent(url: string, admin: Person, approve: boolean): Promise<URL>;
}

/**
 * The headless user-agent lives in `harness/user-agent.ts`; it is loaded on first use so that scenarios
 * without a browser step run without it.
 */
export async function loadBrowser(): Promise<Browser> {
  const specifier = "../user-agent.js";
  let mod: { createBrowser?: () => Browser };
  try {
    mod = (await import(specifier)) as typeof mod;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ERR_MODULE_NOT_FOUND") {
      throw new PendingFeatureError(
        "This step needs the headless user-agent (harness/user-agent.ts), which is not part of this build yet",
      );
    }
    throw err;
  }
  if (typeof mod.createBrowser !== "function") {
    throw new PendingFeatureError("harness/user-agent.ts does not export createBrowser() yet");
  }
  return mod.createBrowser();
}
