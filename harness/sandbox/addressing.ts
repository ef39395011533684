import type { FastifyRequest } from "fastify";
import { isArmAddress } from "../../mock-acs/arm/paths.js";

/** True when a request is addressed to an ACS resource rather than to Entra ID or the admin API. */
export function isAcsRequest(request: FastifyRequest): boolean {
  const host = (request.headers.host ?? "").toLowerCase();
  if (host.includes(".communication.azure.com")) return true;
  // `//access/…`: the JS Entra credential's join of a trailing-slash endpoint.
  return /^\/\/?(identities|teamsUser|access)(\/|\?|$)/.test(request.url);
}

/** True when a request is addressed to Azure Resource Manager (management.azure.com, or ARM's paths). */
export function isArmRequest(request: FastifyRequest): boolean {
  return isArmAddress(request.headers.host ?? "", request.url);
}

/** The path and query of an absolute-form request target; origin-form targets unchanged. */
export function absoluteFormPath(url: string): string {
  if (!/^https?:\/\//i.test(url)) return url;
  try {
    const parsed = new URL(url);
    return `${parsed.pathname}${parsed.search}`;
  } catch {
    return url;
  }
}
