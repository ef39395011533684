import Fastify, { type FastifyInstance } from "fastify";
import { createLocalJWKSet, type JWTPayload } from "jose";
import { Clock } from "../../core/clock.js";
import { deterministicId } from "../../core/ids.js";
import { KeySet, processKeys } from "../../core/keyset.js";
import { mockAcs, type MockAcs } from "../../mock-acs/index.js";
import { MemoryStore } from "../../harness/store/memory.js";
import { SqliteStore } from "../../harness/store/sqlite.js";
import { contentHash, sign, stringToSign } from "../../mock-acs/hmac.js";
import { buildResources, ResourcesSchema, type AcsResource } from "../../mock-acs/resources.js";

/** A bare fastify app with only the ACS plugin, and a test Entra key set standing in for the fake Entra ID. */
export interface AcsUnderTest {
  app: FastifyInstance;
  acs: MockAcs;
  clock: Clock;
  resource: AcsResource;
  entraKeys: KeySet;
  acsKeys: KeySet;
  host: string;
}

export const BACKEND_APP_ID = deterministicId("app", "test-backend");
export const TEAMS_APP_ID = deterministicId("app", "test-teams");
export const TENANT_ID = deterministicId("tenant", "test-fabrikam");
export const LICENSED_USER = deterministicId("user", "licensed");
export const UNLICENSED_USER = deterministicId("user", "unlicensed");

export async function acsUnderTest(
  options: { looseApiVersion?: boolean; dataDir?: string } = {},
): Promise<AcsUnderTest> {
  const clock = new Clock();
  const entraKeys = new KeySet(await processKeys("test-entra", 1, "test-entra"));
  const acsKeys = new KeySet(await processKeys("test-acs", 1, "communication.azure.com"));
  const [resource] = buildResources(
    ResourcesSchema.parse({ "contoso-acs": { roleAssignments: [{ principal: BACKEND_APP_ID }] } }),
  );
  const host = "contoso-acs.communication.azure.com";
  const acs = await mockAcs({
    clock,
    keys: acsKeys,
    entraKeys: createLocalJWKSet(entraKeys.jwks()),
    resources: () => [resource!],
    // The data plane alone: no ARM view and nothing edits the world.
    arm: () => ({ tenants: [], subscriptions: [], roleAssignments: [], principalTypes: new Map() }),
    editResources: () => {
      throw new Error("acsUnderTest has no world to edit");
    },
    resourceFor: (request) => (request.headers.host === host ? resource : undefined),
    looseApiVersion: options.looseApiVersion ?? false,
    store: options.dataDir ? SqliteStore.open(options.dataDir) : new MemoryStore(),
    teamsLicense: (tid, oid) => (tid !== TENANT_ID ? undefined : oid === LICENSED_USER),
  });
  const app = Fastify({
    bodyLimit: 1024 * 1024,
    routerOptions: { maxParamLength: 2048 },
    frameworkErrors: (error, request, reply) => acs.frameworkError(error, request, reply),
  });
  await app.register(acs.plugin);
  app.setNotFoundHandler((request, reply) => acs.notFound(request, reply));
  await app.ready();
  return { app, acs, clock, resource: resource!, entraKeys, acsKeys, host };
}

/** HMAC headers as the SDK computes them (reference §2.1). */
export function hmacHeaders(
  t: Pick<AcsUnderTest, "resource" | "host" | "clock">,
  method: string,
  url: string,
  body = "",
  options: { key?: string; date?: Date } = {},
): Record<string, string> {
  const date = (options.date ?? t.clock.now()).toUTCString();
  const hash = contentHash(body);
  const signature = sign(options.key ?? t.resource.primaryKey, stringToSign(method, url, date, t.host, hash));
  return {
    host: t.host,
    "x-ms-date": date,
    "x-ms-content-sha256": hash,
    authorization: `HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=${signature}`,
    ...(body ? { "content-type": "application/json" } : {}),
  };
}

/** A signed request through `inject`. */
export function signedInject(
  t: AcsUnderTest,
  method: "GET" | "PUT" | "PATCH" | "POST" | "DELETE",
  url: string,
  body?: unknown,
  /** Sent with a body only; without it the request has no content type at all. */
  contentType?: string,
) {
  const payload = body === undefined ? "" : typeof body === "string" ? body : JSON.stringify(body);
  return t.app.inject({
    method,
    url,
    headers: {
      ...hmacHeaders(t, method, url, payload),
      ...(payload && contentType ? { "content-type": contentType } : {}),
    },
    ...(payload ? { payload } : {}),
  });
}

/** An Entra-shaped v1 access token for the ACS Teams API, signed with the test Entra keys. */
export async function entraToken(t: AcsUnderTest, claims: JWTPayload = {}): Promise<string> {
  const now = t.clock.nowSeconds();
  return t.entraKeys.sign(
    {
      aud: "https://auth.msft.communication.azure.com",
      iss: `https://sts.windows.net/${TENANT_ID}/`,
      iat: now - 300,
      nbf: now - 300,
      exp: now + 3600,
      appid: TEAMS_APP_ID,
      appidacr: "0",
      oid: LICENSED_USER,
      tid: TENANT_ID,
      scp: "Teams.ManageCalls Teams.ManageChats",
      uti: "test-uti",
      ver: "1.0",
      ...claims,
    },
    { x5t: t.entraKeys.active.x5t },
  );
}

export function decodePayload(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split(".")[1]!, "base64url").toString("utf8")) as Record<
    string,
    unknown
  >;
}
