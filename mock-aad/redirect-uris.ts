import type { AppRegistration } from "./directory.js";

/** The platform a redirect URI is registered under: it decides how a code may be redeemed. */
export type RedirectPlatform = "publicClient" | "web" | "spa";

export interface RedirectMatch {
  platform: RedirectPlatform;
  /** The registered URI that matched (the request's may differ in the loopback port). */
  registered: string;
}

/**
 * `http://localhost` or `http://127.0.0.1` and an optional port, spelled exactly so: Entra compares the
 * strings, not parsed URLs, so `http://LOCALHOST`, a leading space or `/./` are other URIs. reply-url.md
 * also says the IPv6 loopback (`[::1]`) is not supported.
 */
const LOOPBACK_PORT = /^(http:\/\/(?:localhost|127\.0\.0\.1))(?::\d{1,5})?(?=[/?#]|$)/;

/** The URI without its loopback port; any other URI unchanged. */
function withoutLoopbackPort(uri: string): string {
  return uri.replace(LOOPBACK_PORT, "$1");
}

/**
 * Entra's rule (reply-url.md, "Localhost exceptions"): the exact string, except that the port of an
 * `http://localhost` (or `127.0.0.1`) URI is ignored. The path is not: `http://localhost:3000/redirect`
 * needs `http://localhost/redirect` registered, not `http://localhost`.
 */
export function redirectUriMatches(registered: string, requested: string): boolean {
  if (registered === requested) return true;
  if (!LOOPBACK_PORT.test(registered) || !LOOPBACK_PORT.test(requested)) return false;
  return withoutLoopbackPort(registered) === withoutLoopbackPort(requested);
}

// [infer] Entra picks one platform when only the port differs; mobile/desktop first, as the quickstart registers it.
const PLATFORM_ORDER: RedirectPlatform[] = ["publicClient", "spa", "web"];

/**
 * The registration a redirect URI matches, with its platform, or `undefined` (AADSTS50011).
 *
 * @example
 * matchRedirectUri(app, "http://localhost:53121"); // { platform: "publicClient", registered: "http://localhost" }
 */
export function matchRedirectUri(app: AppRegistration, requested: string): RedirectMatch | undefined {
  for (const platform of PLATFORM_ORDER) {
    const registered = app.redirectUris[platform].find((uri) => redirectUriMatches(uri, requested));
    if (registered !== undefined) return { platform, registered };
  }
  return undefined;
}

/** The app's first registered redirect URI, where admin consent answers when the request named none. */
export function defaultRedirectUri(app: AppRegistration): string | undefined {
  for (const platform of ["web", "publicClient", "spa"] as const) {
    const first = app.redirectUris[platform][0];
    if (first !== undefined) return first;
  }
  return undefined;
}
