/** One identity a resource minted, as the store keeps it and the data file holds it. */
export interface IdentityRecord {
  /** `8:acs:<resourceId>_<suffix>`. */
  id: string;
  resourceId: string;
  createdAtMs: number;
  deletedAtMs?: number;
  /** Tokens with `iat` at or before this second are revoked. */
  revokedAtSeconds?: number;
  /** `Repeatability-Request-ID` of the create that made it (2023-08-01). */
  repeatabilityRequestId?: string;
  /** The caller's own id for it (`customId`, 2025-03-02-preview): a create repeating it gets this identity. */
  customId?: string;
  /** `iat` of the newest token issued to it, for `lastTokenIssuedAt`. */
  lastTokenIssuedAtSeconds?: number;
}
