import { createHash } from "node:crypto";

/*
 * Ids Graph gives objects that have no GUID of their own. [infer] Graph's oauth2PermissionGrant ids are
 * 43- or 64-character base64url strings, which decode to the client's, the resource's (and, for one
 * user's consent, the user's) object ids as .NET GUID bytes; the sandbox builds them that way, so an id
 * names its grant without a table. App role assignment ids are built alike from the principal's id and a
 * digest of the resource and role.
 */

/** A GUID's bytes in .NET `Guid.ToByteArray()` order (the first three groups little-endian). */
function guidBytes(guid: string): Buffer {
  const hex = guid.replace(/-/g, "");
  const bytes = Buffer.from(hex, "hex");
  const swap = (start: number, length: number) => bytes.subarray(start, start + length).reverse();
  swap(0, 4);
  swap(4, 2);
  swap(6, 2);
  return bytes;
}

function guidOf(bytes: Buffer): string {
  const b = Buffer.from(bytes);
  b.subarray(0, 4).reverse();
  b.subarray(4, 6).reverse();
  b.subarray(6, 8).reverse();
  const hex = b.toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The id of the delegated grant of `clientSpId` on `resourceSpId`, for the organisation or one user. */
export function grantId(clientSpId: string, resourceSpId: string, principalId: string | undefined): string {
  const parts = [clientSpId, resourceSpId, ...(principalId ? [principalId] : [])].map(guidBytes);
  return Buffer.concat(parts).toString("base64url");
}

/** The object ids a grant id was built from, or undefined for a string that is not one. */
export function parseGrantId(
  id: string,
): { clientSpId: string; resourceSpId: string; principalId: string | undefined } | undefined {
  if (!/^[A-Za-z0-9_-]+$/.test(id)) return undefined;
  const bytes = Buffer.from(id, "base64url");
  if (bytes.length !== 32 && bytes.length !== 48) return undefined;
  return {
    clientSpId: guidOf(bytes.subarray(0, 16)),
    resourceSpId: guidOf(bytes.subarray(16, 32)),
    principalId: bytes.length === 48 ? guidOf(bytes.subarray(32, 48)) : undefined,
  };
}

/** The id of an app role assignment of `principalId` to `role` of the resource `resourceAppId`. */
export function appRoleAssignmentId(principalId: string, resourceAppId: string, role: string): string {
  const digest = createHash("sha256").update(`${resourceAppId}:${role}`).digest().subarray(0, 16);
  return Buffer.concat([guidBytes(principalId), digest]).toString("base64url");
}
