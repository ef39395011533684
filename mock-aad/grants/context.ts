import type { ClientCredential } from "../client-auth.js";
import type { AadContext } from "../context.js";
import { AadError } from "../errors.js";
import type { PolicyDecision, PolicyGrant } from "../policy.js";
import type { AadState } from "../state.js";
import type { TokenResponseBody } from "../token-response.js";
import type { MintContext } from "../tokens.js";

/** What every grant handler gets from the token endpoint: the parsed request and the sandbox around it. */
export interface GrantRequest {
  ctx: AadContext;
  state: AadState;
  /** Authority path segment as sent. */
  authority: string;
  /** The form body; every value a single string (repeated parameters are refused earlier). */
  body: Record<string, string | undefined>;
  credential: ClientCredential;
  /** Token endpoint URLs a client assertion may name as `aud`: worked out only when one is checked. */
  assertionAudiences: () => string[];
  mint: MintContext;
  /** The browser's `Origin` header: present when a single-page app redeems cross-origin. */
  origin?: string | undefined;
}

/** One grant type: turns a request into a token response or throws a catalogued {@link AadError}. */
export type GrantHandler = (request: GrantRequest) => Promise<TokenResponseBody>;

/** A required body parameter, or 900144 naming it. */
export function requireParam(body: GrantRequest["body"], name: string): string {
  const value = body[name];
  if (value === undefined || value === "") throw new AadError("AADSTS900144", { parameter: name });
  return value;
}

/** The grant a decision allows; at the token endpoint a refusal is thrown for the route to render. */
export function grantOf(decision: PolicyDecision): PolicyGrant {
  if (decision.kind === "grant") return decision.grant;
  if (decision.kind === "error") throw decision.error;
  // The token channel never asks for consent: the policy answers 65001 there.
  throw new Error("Consent prompt at the token endpoint");
}
