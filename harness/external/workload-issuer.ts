import type { FastifyInstance, FastifyRequest } from "fastify";
import { createLocalJWKSet, type JWTVerifyGetKey } from "jose";
import type { Clock } from "../../core/clock.js";
import { durationMs } from "../../core/duration.js";
import type { KeySet } from "../../core/keyset.js";
import { isSandboxIssuer, SANDBOX_ISSUER_PATH } from "../../mock-aad/federation.js";

/*
 * A workload token issuer hosted by the sandbox, standing in for a Kubernetes cluster's service account
 * issuer (AKS OIDC issuer) or a CI provider: OIDC discovery and JWKS in the Kubernetes layout, and an
 * admin call that mints the projected service account token a pod would find in
 * AZURE_FEDERATED_TOKEN_FILE. Entra (mock-aad) trusts it through its keys, as it would after fetching
 * the JWKS; it fetches nothing else.
 */

/** The audience Azure's workload identity webhook projects tokens for. */
export const AZURE_TOKEN_EXCHANGE_AUDIENCE = "api://AzureADTokenExchange";
/** [infer] Projected tokens live an hour (Kubernetes' default `expirationSeconds` for the webhook's volume). */
const DEFAULT_LIFETIME_SECONDS = 3600;

export interface WorkloadTokenRequest {
  /** `sub`; default `system:serviceaccount:<namespace>:<serviceAccount>`. */
  subject?: string;
  namespace?: string;
  serviceAccount?: string;
  audience?: string | string[];
  /** Duration (`1h`, `10m`) or seconds. */
  expiresIn?: string | number;
}

export class WorkloadIssuer {
  readonly #loadKeys: () => Promise<KeySet>;
  #keys: Promise<KeySet> | undefined;
  readonly #clock: Clock;
  readonly #jwks: JWTVerifyGetKey;

  /**
   * The issuer's key is made (or read) the first time it is needed: most sandboxes never see workload
   * identity federation, and an RSA generation is the dearest part of a fresh start.
   */
  constructor(loadKeys: () => Promise<KeySet>, clock: Clock) {
    this.#loadKeys = loadKeys;
    this.#clock = clock;
    let verifier: Promise<JWTVerifyGetKey> | undefined;
    this.#jwks = async (header, token) => {
      verifier ??= this.#keySet().then((keys) => createLocalJWKSet(keys.jwks()));
      return (await verifier)(header, token);
    };
  }

  #keySet(): Promise<KeySet> {
    this.#keys ??= this.#loadKeys();
    return this.#keys;
  }

  issuer(origin: string): string {
    return `${origin}${SANDBOX_ISSUER_PATH}`;
  }

  /** The keys Entra verifies federated assertions of this issuer with. */
  keysFor(issuer: string): JWTVerifyGetKey | undefined {
    return isSandboxIssuer(issuer) ? this.#jwks : undefined;
  }

  discovery(origin: string) {
    const issuer = this.issuer(origin);
    return {
      issuer,
      jwks_uri: `${issuer}/openid/v1/jwks`,
      response_types_supported: ["id_token"],
      subject_types_supported: ["public"],
      id_token_signing_alg_values_supported: ["RS256"],
    };
  }

  async jwks() {
    return (await this.#keySet()).jwks();
  }

  /** Mints a projected service account token, the claims Kubernetes puts in one. */
  async mint(origin: string, request: WorkloadTokenRequest) {
    const namespace = request.namespace ?? "default";
    const serviceAccount = request.serviceAccount ?? "default";
    const subject = request.subject ?? `system:serviceaccount:${namespace}:${serviceAccount}`;
    const audience = request.audience ?? AZURE_TOKEN_EXCHANGE_AUDIENCE;
    const lifetime =
      request.expiresIn === undefined
        ? DEFAULT_LIFETIME_SECONDS
        : Math.round(durationMs(request.expiresIn) / 1000);
    if (!Number.isFinite(lifetime) || lifetime <= 0) {
      throw new RangeError(`expiresIn must be a positive duration, got ${JSON.stringify(request.expiresIn)}`);
    }
    const iat = this.#clock.nowSeconds();
    const issuer = this.issuer(origin);
    const token = await (
      await this.#keySet()
    ).sign({
      aud: Array.isArray(audience) ? audience : [audience],
      exp: iat + lifetime,
      iat,
      iss: issuer,
      nbf: iat,
      sub: subject,
      "kubernetes.io": { namespace, serviceaccount: { name: serviceAccount } },
    });
    return { token, issuer, subject, audience, expiresOn: new Date((iat + lifetime) * 1000).toISOString() };
  }
}

function isRequest(body: unknown): body is WorkloadTokenRequest {
  if (typeof body !== "object" || body === null || Array.isArray(body)) return false;
  const b = body as Record<string, unknown>;
  const optionalString = (v: unknown) => v === undefined || (typeof v === "string" && v.length > 0);
  const audienceOk =
    b.audience === undefined ||
    typeof b.audience === "string" ||
    (Array.isArray(b.audience) && b.audience.every((a) => typeof a === "string"));
  const expiresOk =
    b.expiresIn === undefined || typeof b.expiresIn === "string" || typeof b.expiresIn === "number";
  return (
    optionalString(b.subject) &&
    optionalString(b.namespace) &&
    optionalString(b.serviceAccount) &&
    audienceOk &&
    expiresOk
  );
}

/** `/_sandbox/workload-issuer/…`: discovery and keys for verifiers, and the mint call for tests. */
export function workloadIssuerRoutes(
  app: FastifyInstance,
  issuer: WorkloadIssuer,
  originOf: (request: FastifyRequest) => string,
): void {
  app.get("/workload-issuer/.well-known/openid-configuration", async (request) =>
    issuer.discovery(originOf(request)),
  );
  app.get("/workload-issuer/openid/v1/jwks", async () => issuer.jwks());
  app.post("/workload-issuer/token", async (request, reply) => {
    const body = request.body ?? {};
    if (!isRequest(body)) {
      return reply.code(400).send({
        error: "invalid_request",
        message:
          'Expected {"subject"?: string, "namespace"?: string, "serviceAccount"?: string, "audience"?: string | string[], "expiresIn"?: "1h" | seconds}',
      });
    }
    try {
      return await issuer.mint(originOf(request), body);
    } catch (err) {
      return reply.code(400).send({ error: "invalid_request", message: (err as Error).message });
    }
  });
}
