import { errors as joseErrors, decodeJwt, jwtVerify, type JWTVerifyGetKey } from "jose";
import type { AppRegistration, FederatedCredential } from "./directory.js";
import { AadError } from "./errors.js";

/*
 * Workload identity federation: an app accepts a token of an external issuer (a Kubernetes service
 * account, a CI job) as its client assertion when one of its federated credentials names that token's
 * issuer, subject and audience. Entra then fetches the issuer's OIDC discovery document and JWKS to check
 * the signature; the sandbox fetches nothing, it is handed the keys of the issuers it can reach.
 */

/** A federated credential whose issuer is written `sandbox` trusts the sandbox's own workload issuer. */
export const SANDBOX_ISSUER_ALIAS = "sandbox";
/** Path of the sandbox-hosted workload issuer, at whatever origin the sandbox is reached. */
export const SANDBOX_ISSUER_PATH = "/_sandbox/workload-issuer";

/** True for the sandbox's workload issuer URL, whichever origin minted it. */
export function isSandboxIssuer(issuer: string): boolean {
  try {
    return new URL(issuer).pathname.replace(/\/+$/, "") === SANDBOX_ISSUER_PATH;
  } catch {
    return false;
  }
}

function issuerMatches(record: FederatedCredential, issuer: string): boolean {
  if (record.issuer === SANDBOX_ISSUER_ALIAS) return isSandboxIssuer(issuer);
  return record.issuer === issuer;
}

function audiencesOf(aud: unknown): string[] {
  if (typeof aud === "string") return [aud];
  return Array.isArray(aud) ? aud.filter((a): a is string => typeof a === "string") : [];
}

/** The record the assertion's claims name, exactly (Entra compares case-sensitively), or undefined. */
export function matchFederatedCredential(
  app: AppRegistration,
  claims: { iss?: unknown; sub?: unknown; aud?: unknown },
): FederatedCredential | undefined {
  const issuer = typeof claims.iss === "string" ? claims.iss : "";
  const audiences = audiencesOf(claims.aud);
  return app.federatedCredentials.find(
    (r) =>
      issuerMatches(r, issuer) && r.subject === claims.sub && r.audiences.some((a) => audiences.includes(a)),
  );
}

/**
 * Checks a federated client assertion; "2" (`appidacr`: a signed assertion) when it holds. Errors:
 * 70021 no matching record (issuer, subject and audience as presented), 501661 the issuer's keys
 * cannot be fetched, 700027 a bad signature, 700024 outside its lifetime.
 */
export async function checkFederatedAssertion(
  app: AppRegistration,
  jwt: string,
  issuerKeys: (issuer: string) => JWTVerifyGetKey | undefined,
  now: Date,
): Promise<"2"> {
  const claims = decodeJwt(jwt);
  const record = matchFederatedCredential(app, claims);
  if (!record) {
    throw new AadError("AADSTS70021", {
      issuer: String(claims.iss ?? ""),
      subject: String(claims.sub ?? ""),
      audience: audiencesOf(claims.aud).join(", "),
    });
  }
  const keys = issuerKeys(String(claims.iss));
  if (!keys) throw new AadError("AADSTS501661");
  try {
    await jwtVerify(jwt, keys, { currentDate: now, clockTolerance: 300 });
    return "2";
  } catch (err) {
    if (err instanceof joseErrors.JWTExpired) throw new AadError("AADSTS700024");
    if (err instanceof joseErrors.JWTClaimValidationFailed && err.claim === "nbf") {
      throw new AadError("AADSTS700024");
    }
    if (err instanceof joseErrors.JOSEError) throw new AadError("AADSTS700027");
    throw err;
  }
}
