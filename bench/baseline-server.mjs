// The baseline the benchmarks compare `acs-sandbox serve` with: the least a real HTTPS password-grant
// server needs, on the same fastify 5 and jose 6. Plain JavaScript, so it starts without a TypeScript
// loader, as `serve` starts from dist/. Usage: node bench/baseline-server.mjs DATA_DIR
// Prints "ready <port>" once listening. DATA_DIR keeps its TLS and signing keys; an empty one is a fresh start.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { randomUUID, webcrypto } from "node:crypto";
import process from "node:process";
import Fastify from "fastify";
import formbody from "@fastify/formbody";
import {
  SignJWT,
  createLocalJWKSet,
  exportJWK,
  exportPKCS8,
  generateKeyPair,
  importPKCS8,
  jwtVerify,
} from "jose";

const dir = process.argv[2];
mkdirSync(dir, { recursive: true });
const files = { tls: join(dir, "tls.json"), signing: join(dir, "signing.pem") };

async function tlsMaterial() {
  if (existsSync(files.tls)) return JSON.parse(readFileSync(files.tls, "utf8"));
  // A self-signed P-256 certificate, as the sandbox's leaf is.
  await import("reflect-metadata");
  const x509 = await import("@peculiar/x509");
  x509.cryptoProvider.set(webcrypto);
  const alg = { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" };
  const keys = await webcrypto.subtle.generateKey(alg, true, ["sign", "verify"]);
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: "01",
    name: "CN=localhost",
    notBefore: new Date(Date.now() - 86_400_000),
    notAfter: new Date(Date.now() + 86_400_000 * 30),
    signingAlgorithm: alg,
    keys,
    extensions: [new x509.SubjectAlternativeNameExtension([{ type: "dns", value: "localhost" }])],
  });
  const material = { cert: cert.toString("pem"), key: await exportPKCS8(keys.privateKey) };
  writeFileSync(files.tls, JSON.stringify(material));
  return material;
}

async function signingKey() {
  if (existsSync(files.signing)) return importPKCS8(readFileSync(files.signing, "utf8"), "RS256");
  const { privateKey } = await generateKeyPair("RS256", { modulusLength: 2048, extractable: true });
  writeFileSync(files.signing, await exportPKCS8(privateKey));
  return privateKey;
}

const [tls, key] = await Promise.all([tlsMaterial(), signingKey()]);
const users = new Map([["alice@fabrikam.onmicrosoft.com", "Passw0rd!"]]);
const app = Fastify({ https: tls });
await app.register(formbody);
app.post("/:tenant/oauth2/v2.0/token", async (request, reply) => {
  const body = request.body;
  if (body.grant_type !== "password" || users.get(body.username) !== body.password) {
    return reply.code(400).send({ error: "invalid_grant" });
  }
  const now = Math.floor(Date.now() / 1000);
  const claims = { iss: "https://localhost/", sub: body.username, aud: body.client_id, iat: now, nbf: now };
  const sign = (payload) =>
    new SignJWT(payload)
      .setProtectedHeader({ alg: "RS256", typ: "JWT", kid: "baseline" })
      .setExpirationTime(now + 3600)
      .sign(key);
  const [accessToken, idToken] = await Promise.all([sign({ ...claims, scp: body.scope }), sign(claims)]);
  return {
    token_type: "Bearer",
    scope: body.scope,
    expires_in: 3600,
    access_token: accessToken,
    id_token: idToken,
    refresh_token: randomUUID(),
  };
});
// The exchange baseline: the least a Teams token exchange needs, the raw jose pair (verify the Entra
// token against the issuer's keys, sign the ACS token). `GET /entra-token` hands out a token to exchange,
// signed by an issuer key made on first use (so the start-up benchmark does not pay for it).
let issuer;
const issuerKeys = async () => {
  issuer ??= generateKeyPair("RS256", { extractable: true }).then(async ({ privateKey, publicKey }) => ({
    privateKey,
    jwks: createLocalJWKSet({ keys: [{ ...(await exportJWK(publicKey)), kid: "issuer", alg: "RS256" }] }),
  }));
  return issuer;
};
app.get("/entra-token", async () => {
  const { privateKey } = await issuerKeys();
  const now = Math.floor(Date.now() / 1000);
  const token = await new SignJWT({
    aud: "https://communication.azure.com",
    oid: randomUUID(),
    tid: randomUUID(),
  })
    .setProtectedHeader({ alg: "RS256", typ: "JWT", kid: "issuer" })
    .setIssuedAt(now)
    .setExpirationTime(now + 3600)
    .sign(privateKey);
  return { token };
});
app.post("/teamsUser/:exchangeAccessToken", async (request) => {
  const { payload } = await jwtVerify(request.body.token, (await issuerKeys()).jwks, {
    audience: "https://communication.azure.com",
  });
  const now = Math.floor(Date.now() / 1000);
  const token = await new SignJWT({ skypeid: `8:orgid:${payload.oid}`, scp: 1024 })
    .setProtectedHeader({ alg: "RS256", typ: "JWT", kid: "baseline" })
    .setIssuedAt(now)
    .setExpirationTime(now + 3600)
    .sign(key);
  return { token, expiresOn: new Date((now + 3600) * 1000).toISOString() };
});
await app.listen({ port: 0, host: "127.0.0.1" });
process.stdout.write(`ready ${app.server.address().port}\n`);
process.once("SIGTERM", () => app.close().then(() => process.exit(0)));
