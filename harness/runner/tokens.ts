import { decodeJwt } from "jose";

/** The claims of a JWT, or an empty object for an opaque token. Never verifies: the services do that. */
export function claimsOf(token: string): Record<string, unknown> {
  try {
    return decodeJwt(token) as Record<string, unknown>;
  } catch {
    return {};
  }
}
