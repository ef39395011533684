import { X509Certificate, createHash } from "node:crypto";
import {
  errors as joseErrors,
  decodeJwt,
  decodeProtectedHeader,
  jwtVerify,
  type JWTVerifyGetKey,
} from "jose";
import type { AppRegistration } from "./directory.js";
import { outOfTimeRange } from "./assertion-time.js";
import { checkFederatedAssertion } from "./federation.js";
import { AadError } from "./errors.js";
import type { Flow } from "./policy/flow.js";

/** How a request proved it is the client: nothing (public client), a secret, or a signed assertion. */
export type ClientCredential =
  | { kind: "none" }
  | { kind: "secret"; value: string }
  | { kind: "assertion"; assertionType: string; jwt: string };

/** `appidacr` / `azpacr`: 0 public client, 1 client secret, 2 certificate assertion. */
export type ClientAuthentication = "0" | "1" | "2";

export const JWT_BEARER_ASSERTION = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

/**
 * Reads the client credential from the form body (`client_secret_post`, `private_key_jwt`) or an
 * `Authorization: Basic` header (`client_secret_basic`), the methods the discovery document lists.
 */
export function readClientCredential(
  body: Record<string, string | undefined>,
  authorization: string | undefined,
): ClientCredential {
  if (body.client_assertion !== undefined) {
    return { kind: "assertion", assertionType: body.client_assertion_type ?? "", jwt: body.client_assertion };
  }
  if (body.client_secret !== undefined) return { kind: "secret", value: body.client_secret };
  const basic = /^Basic\s+(.+)$/i.exec(authorization ?? "");
  if (basic) {
    const decoded = Buffer.from(basic[1]!, "base64").toString("utf8");
    const colon = decoded.indexOf(":");
    if (colon >= 0) return { kind: "secret", value: decodeURIComponent(decoded.slice(colon + 1)) };
  }
  return { kind: "none" };
}

/**
 * An app is a public client when it can sign in without a credential: public client flows are on, or it
 * has mobile/desktop or SPA redirect URIs. An app with only Web redirect URIs is confidential (7000218).
 */
export function isPublicClient(app: AppRegistration): boolean {
  return app.publicClientFlows || app.redirectUris.publicClient.length > 0 || app.redirectUris.spa.length > 0;
}

const FLOWS_NEEDING_PUBLIC_CLIENT_FLOWS: ReadonlySet<Flow> = new Set(["password", "device_code"]);
const NEVER_PUBLIC: ReadonlySet<Flow> = new Set(["client_credentials", "on_behalf_of"]);

/**
 * Whether a flow lets an app come without a credential: ROPC and device code need "Allow public client
 * flows" on; refresh and code redemption need a public-client or SPA redirect; client credentials and
 * OBO never. (The code grant narrows it further by the redirect URI's platform.)
 */
export function mayBePublicFor(flow: Flow, app: AppRegistration): boolean {
  if (NEVER_PUBLIC.has(flow)) return false;
  if (FLOWS_NEEDING_PUBLIC_CLIENT_FLOWS.has(flow)) return app.publicClientFlows;
  return isPublicClient(app);
}

function hasCredentials(app: AppRegistration): boolean {
  return app.secrets.length > 0 || app.certificates.length > 0 || app.federatedCredentials.length > 0;
}

function checkSecret(app: AppRegistration, value: string, nowMs: number): ClientAuthentication {
  const secret = app.secrets.find((s) => s.value === value);
  if (!secret) throw new AadError("AADSTS7000215", { clientId: app.clientId });
  if (secret.expires !== undefined && Date.parse(secret.expires) <= nowMs) {
    throw new AadError("AADSTS7000222", { clientId: app.clientId });
  }
  return "1";
}

function certificateFor(app: AppRegistration, jwt: string): X509Certificate[] {
  let header: ReturnType<typeof decodeProtectedHeader>;
  try {
    header = decodeProtectedHeader(jwt);
  } catch {
    throw new AadError("AADSTS50027", { reason: "The client assertion is not a JWT." });
  }
  const certs = app.certificates.map((pem) => new X509Certificate(pem));
  // Prefer the certificate the header names (x5t: SHA-1, x5t#S256: SHA-256 of the DER); else try each.
  const named = certs.filter(
    (c) =>
      createHash("sha1").update(c.raw).digest("base64url") === header.x5t ||
      createHash("sha256").update(c.raw).digest("base64url") === header["x5t#S256"],
  );
  return named.length > 0 ? named : certs;
}

function assertionIssuer(jwt: string): unknown {
  try {
    return decodeJwt(jwt).iss;
  } catch {
    throw new AadError("AADSTS50027", { reason: "The client assertion is not a JWT." });
  }
}

/**
 * Signature algorithms Entra takes for an assertion signed with a registered certificate: RS256, and PS256
 * that MSAL uses with `x5t#S256` (learn.microsoft.com/entra/identity-platform/certificate-credentials).
 * Naming them keeps the header's `alg` from choosing how the certificate is used: HS256 would turn its
 * public key, which anyone can read, into an HMAC secret.
 */
const CERTIFICATE_ALGORITHMS = ["RS256", "PS256"];

async function checkAssertion(
  app: AppRegistration,
  credential: Extract<ClientCredential, { kind: "assertion" }>,
  audiences: string[],
  now: Date,
  issuerKeys: IssuerKeys,
): Promise<ClientAuthentication> {
  if (credential.assertionType !== JWT_BEARER_ASSERTION) {
    throw new AadError("AADSTS50027", {
      reason: `client_assertion_type must be '${JWT_BEARER_ASSERTION}'.`,
    });
  }
  // An assertion the app signed itself names the app as issuer; any other issuer is an external
  // identity provider the app trusts through a federated credential (workload identity federation).
  if (assertionIssuer(credential.jwt) !== app.clientId) {
    return checkFederatedAssertion(app, credential.jwt, issuerKeys, now);
  }
  for (const cert of certificateFor(app, credential.jwt)) {
    try {
      await jwtVerify(credential.jwt, cert.publicKey, {
        currentDate: now,
        audience: audiences,
        issuer: app.clientId,
        subject: app.clientId,
        clockTolerance: 300,
        // An assertion without `exp` would be a credential that never expires.
        requiredClaims: ["exp"],
        algorithms: CERTIFICATE_ALGORITHMS,
      });
      return "2";
    } catch (err) {
      // [infer] Entra's answer to another algorithm: no registered key verifies the signature (700027).
      if (err instanceof joseErrors.JOSEAlgNotAllowed) throw new AadError("AADSTS700027");
      // jose's TypeError: this certificate's key cannot verify that algorithm (an EC key and RS256), so
      // it did not sign the assertion; another registered certificate may have.
      if (err instanceof joseErrors.JWSSignatureVerificationFailed || err instanceof TypeError) continue;
      if (err instanceof joseErrors.JWTExpired) throw outOfTimeRange(err.payload, now);
      if (err instanceof joseErrors.JWTClaimValidationFailed) {
        if (err.claim === "nbf" || err.claim === "exp") throw outOfTimeRange(err.payload, now);
        throw new AadError("AADSTS50027", {
          reason: `The '${err.claim}' claim of the client assertion is not valid: expected ${err.claim === "aud" ? "the token endpoint" : "the client id"}.`,
        });
      }
      throw new AadError("AADSTS50027", { reason: "The client assertion could not be read." });
    }
  }
  throw new AadError("AADSTS700027");
}

/** The signing keys of an external token issuer Entra can reach, or undefined (its discovery fails). */
export type IssuerKeys = (issuer: string) => JWTVerifyGetKey | undefined;

export interface ClientAuthenticationRequest {
  app: AppRegistration;
  credential: ClientCredential;
  /** Whether this flow lets this app sign in without a credential. */
  mayBePublic: boolean;
  /** Token endpoint URLs a client assertion may name as `aud`: worked out only when one is checked. */
  assertionAudiences: () => string[];
  now: Date;
  /** Issuers of federated assertions whose keys Entra can fetch; none by default. */
  issuerKeys?: IssuerKeys;
}

/**
 * Checks the client's credential and says how it authenticated (`appidacr`), or throws the catalogued
 * error: 7000218 no credential where one is needed, 700025 a credential from a public client,
 * 7000215 / 7000222 wrong or expired secret, 700027 / 700024 / 50027 a bad assertion, 70021 / 501661 a
 * federated assertion no record matches or whose issuer cannot be reached.
 */
export async function authenticateClient(
  request: ClientAuthenticationRequest,
): Promise<ClientAuthentication> {
  const { app, credential } = request;
  if (credential.kind === "none") {
    if (request.mayBePublic) return "0";
    throw new AadError("AADSTS7000218");
  }
  // [infer] the reference gives 700025 for any credential sent by an app that has none registered.
  if (!hasCredentials(app) && isPublicClient(app)) throw new AadError("AADSTS700025");
  if (credential.kind === "secret") return checkSecret(app, credential.value, request.now.getTime());
  return checkAssertion(
    app,
    credential,
    request.assertionAudiences(),
    request.now,
    request.issuerKeys ?? (() => undefined),
  );
}
