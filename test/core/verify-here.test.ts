import {
  createLocalJWKSet,
  exportJWK,
  generateKeyPair,
  jwtVerify,
  SignJWT,
  type JWTVerifyGetKey,
  type KeyObject,
} from "jose";
import { createPublicKey, KeyObject as NodeKeyObject, sign as cryptoSign } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { verifyRs256Here } from "../../core/verify-here.js";

/*
 * verifyRs256Here must accept and refuse exactly what jose's jwtVerify does for RS256, with the same
 * error classes (ACS maps them to the journal's refusal reasons): each token below goes through both.
 */

const NOW = new Date("2026-03-01T12:00:00Z");
const now = Math.floor(NOW.getTime() / 1000);
const OPTIONS = {
  audience: ["https://auth.msft.communication.azure.com"],
  currentDate: NOW,
  clockTolerance: 300,
  requiredClaims: ["exp", "tid", "iss"],
};
const CLAIMS = {
  aud: "https://auth.msft.communication.azure.com",
  iss: "https://sts.windows.net/t-1/",
  tid: "t-1",
  oid: "o-1",
  iat: now - 60,
  nbf: now - 60,
  exp: now + 3600,
};

let keys: JWTVerifyGetKey;
let sign: (claims: Record<string, unknown>, header?: Record<string, unknown>) => Promise<string>;
let strangerSign: (claims: Record<string, unknown>) => Promise<string>;
/** A header jose would not sign (an unknown critical extension), signed with node:crypto. */
let signByHand: (header: Record<string, unknown>) => Promise<string>;

beforeAll(async () => {
  const entra = await generateKeyPair("RS256", { extractable: true });
  const stranger = await generateKeyPair("RS256");
  const ec = await generateKeyPair("ES256", { extractable: true });
  keys = createLocalJWKSet({
    keys: [
      { ...(await exportJWK(entra.publicKey)), kid: "entra", alg: "RS256" },
      { ...(await exportJWK(ec.publicKey)), kid: "ec", alg: "ES256" },
    ],
  });
  sign = (claims, header = {}) =>
    new SignJWT(claims).setProtectedHeader({ alg: "RS256", kid: "entra", ...header }).sign(entra.privateKey);
  signByHand = async (header) => {
    const input = [header, CLAIMS]
      .map((part) => Buffer.from(JSON.stringify(part)).toString("base64url"))
      .join(".");
    const signature = cryptoSign("sha256", Buffer.from(input), NodeKeyObject.from(entra.privateKey));
    return `${input}.${signature.toString("base64url")}`;
  };
  strangerSign = (claims) =>
    new SignJWT(claims).setProtectedHeader({ alg: "RS256", kid: "entra" }).sign(stranger.privateKey);
});

/** What a check gives: the payload, or the name of the error class it threw. */
async function outcome(check: Promise<unknown>): Promise<unknown> {
  try {
    return await check;
  } catch (err) {
    return (err as Error).constructor.name;
  }
}

async function both(token: string) {
  const here = await outcome(verifyRs256Here(token, keys, OPTIONS));
  const jose = await outcome(
    jwtVerify(token, keys, { ...OPTIONS, algorithms: ["RS256"] }).then(({ payload }) => payload),
  );
  return { here, jose };
}

describe("verifyRs256Here", () => {
  it("takes a valid token's claims, as jwtVerify does", async () => {
    const { here, jose } = await both(await sign(CLAIMS));
    expect(here).toEqual(CLAIMS);
    expect(here).toEqual(jose);
  });

  it.each([
    ["a signature by another key", () => strangerSign(CLAIMS), "JWSSignatureVerificationFailed"],
    ["an expired token", () => sign({ ...CLAIMS, exp: now - 301 }), "JWTExpired"],
    ["a token not yet valid", () => sign({ ...CLAIMS, nbf: now + 301 }), "JWTClaimValidationFailed"],
    [
      "another audience",
      () => sign({ ...CLAIMS, aud: "https://graph.microsoft.com" }),
      "JWTClaimValidationFailed",
    ],
    ["no tid", () => sign({ ...CLAIMS, tid: undefined }), "JWTClaimValidationFailed"],
    ["an unknown kid", () => sign(CLAIMS, { kid: "gone" }), "JWKSNoMatchingKey"],
    [
      "a critical extension",
      () => signByHand({ alg: "RS256", kid: "entra", crit: ["x"], x: 1 }),
      "JOSENotSupported",
    ],
  ])("refuses %s with jwtVerify's error", async (_, token, error) => {
    const { here, jose } = await both(await token());
    expect(here).toBe(error);
    expect(jose).toBe(error);
  });

  it("refuses other algorithms and malformed tokens, as jwtVerify does", async () => {
    const valid = await sign(CLAIMS);
    const [header, payload, signature] = valid.split(".") as [string, string, string];
    const as = (h: Record<string, unknown>) => Buffer.from(JSON.stringify(h)).toString("base64url");
    for (const [token, error] of [
      [`${as({ alg: "none" })}.${payload}.`, "JOSEAlgNotAllowed"],
      [`${as({ alg: "HS256", kid: "entra" })}.${payload}.${signature}`, "JOSEAlgNotAllowed"],
      [`${as({ alg: "ES256", kid: "ec" })}.${payload}.${signature}`, "JOSEAlgNotAllowed"],
      [`${header}.${payload}`, "JWSInvalid"],
      [`${header}.${payload}.${signature}.x`, "JWSInvalid"],
    ] as const) {
      const { here, jose } = await both(token);
      expect(here, token).toBe(error);
      expect(jose, token).toBe(error);
    }
    // Garbage in place of the header or payload: both refuse it (with an error of their own kind).
    for (const token of [`x.${payload}.${signature}`, `${header}.!!.${signature}`]) {
      const { here, jose } = await both(token);
      expect(typeof here, token).toBe("string");
      expect(typeof jose, token).toBe("string");
    }
  });

  it("takes a key the JWKS hands over as a node KeyObject as well", async () => {
    const { publicKey, privateKey } = await generateKeyPair("RS256", { extractable: true });
    const asKeyObject: JWTVerifyGetKey = async () =>
      createPublicKey({ key: await exportJWK(publicKey), format: "jwk" }) as unknown as KeyObject;
    const token = await new SignJWT(CLAIMS).setProtectedHeader({ alg: "RS256" }).sign(privateKey);
    expect(await verifyRs256Here(token, asKeyObject, OPTIONS)).toEqual(CLAIMS);
  });
});
