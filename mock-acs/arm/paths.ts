/*
 * ARM ignores case in the fixed segments of its paths (`resourcegroups`, `microsoft.communication`):
 * the Azure CLI and the SDKs send both spellings (@azure/arm-authorization writes `resourcegroups` in
 * some paths). The router matches the canonical spelling, so requests are rewritten to it first.
 */

const CANONICAL = [
  "subscriptions",
  "resourceGroups",
  "providers",
  "tenants",
  "resources",
  "operationresults",
  "Microsoft.Communication",
  "communicationServices",
  "listKeys",
  "regenerateKey",
  "locations",
  "operationStatuses",
  "Microsoft.Authorization",
  "roleAssignments",
  "roleDefinitions",
];
const BY_LOWER = new Map(CANONICAL.map((s) => [s.toLowerCase(), s]));

/** Paths ARM answers on the sandbox's own origin (server mode serves every service on one port). */
export const ARM_PATH = /^\/\/?(subscriptions|tenants|providers)(\/|\?|$)/i;

/** True for a request ARM answers: the real host, or ARM's paths on the sandbox's origin. */
export function isArmAddress(host: string, url: string): boolean {
  const name = host.replace(/:\d+$/, "").toLowerCase();
  return name === "management.azure.com" || ARM_PATH.test(url);
}

/**
 * The URL with ARM's fixed segments in canonical case; names (subscription ids, groups, resources) and the
 * query are kept as sent. Segments in names' places are left alone by position: only a segment that
 * follows no name-bearing keyword is rewritten.
 *
 * @example canonicalArmPath("/subscriptions/x/resourcegroups/RG?api-version=1") // "/subscriptions/x/resourceGroups/RG?api-version=1"
 */
export function canonicalArmPath(url: string): string {
  const q = url.indexOf("?");
  // `/{scope}/providers/…` with a scope that starts with `/` gives `//subscriptions/…`: ARM reads it as one.
  const path = (q === -1 ? url : url.slice(0, q)).replace(/\/{2,}/g, "/");
  const query = q === -1 ? "" : url.slice(q);
  const segments = path.split("/");
  // A segment right after one of these is a name, never rewritten (a group named "providers" stays so).
  const NAMES_FOLLOW = new Set([
    "subscriptions",
    "resourcegroups",
    "communicationservices",
    "locations",
    "operationstatuses",
    "operationresults",
    "roleassignments",
    "roledefinitions",
  ]);
  for (let i = 1; i < segments.length; i++) {
    const previous = segments[i - 1]!.toLowerCase();
    if (NAMES_FOLLOW.has(previous) && i > 1) continue;
    const canonical = BY_LOWER.get(segments[i]!.toLowerCase());
    if (canonical) segments[i] = canonical;
  }
  return segments.join("/") + query;
}
