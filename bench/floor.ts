import { generateKeyPair, sign, verify, type KeyObject } from "node:crypto";
import { promisify } from "node:util";
import formbody from "@fastify/formbody";
import Fastify from "fastify";
import type { Sandbox } from "../harness/sandbox/sandbox.js";
import { forward } from "../harness/transports/msw.js";
import { median } from "./support.js";

/*
 * The floor of one test through the real flow, measured in this process: what no sandbox can avoid on
 * top of the canned handlers. Cryptography: the Entra access token and the id_token are signed, the
 * exchange verifies the Entra token and signs the ACS token (3 RS256 signs + 1 verify, as the sandbox
 * does them: node:crypto, the verify on the calling thread). Transport: the two requests handed from msw
 * to a fastify app by `forward()` (request and answer converted, app.inject), here into a bare app
 * answering bodies of the same sizes at once.
 */

export interface Floor {
  signs: number;
  verifies: number;
  signMs: number;
  verifyMs: number;
  /** Two signs started together, back to back with the last pair: the thread pool overlaps them. */
  pairMs: number;
  /**
   * The pair as a test meets it: after 2 ms with nothing to do, one sign handed to the pool and one made
   * on this thread (token-response.ts). Whether they overlap is up to the machine's scheduler.
   */
  pairAfterIdleMs: number;
  cryptoMs: number;
  injects: number;
  injectMs: number;
}

const SIGNS = 3;
const VERIFIES = 1;
const SAMPLES = 300;

const signAsync = promisify(sign);

async function timeEach(samples: number, op: () => Promise<unknown>): Promise<number> {
  for (let i = 0; i < 30; i++) await op();
  const ms: number[] = [];
  for (let i = 0; i < samples; i++) {
    const started = performance.now();
    await op();
    ms.push(performance.now() - started);
  }
  return median(ms);
}

/** A JWT-sized signing input: header and claims of an Entra access token, base64url. */
const SIGNING_INPUT = Buffer.from(`${"h".repeat(120)}.${"c".repeat(1100)}`);

async function cryptoFloor(): Promise<Pick<Floor, "signMs" | "verifyMs" | "pairMs" | "pairAfterIdleMs">> {
  const { privateKey, publicKey } = await new Promise<{ privateKey: KeyObject; publicKey: KeyObject }>(
    (resolve, reject) =>
      generateKeyPair("rsa", { modulusLength: 2048 }, (err, pub, priv) =>
        err ? reject(err) : resolve({ publicKey: pub, privateKey: priv }),
      ),
  );
  const signature = await signAsync("sha256", SIGNING_INPUT, privateKey);
  return {
    signMs: await timeEach(SAMPLES, () => signAsync("sha256", SIGNING_INPUT, privateKey)),
    // On the calling thread, as ACS checks the Entra token (core/verify-here.ts).
    verifyMs: await timeEach(SAMPLES, async () => verify("sha256", SIGNING_INPUT, publicKey, signature)),
    pairMs: await timeEach(SAMPLES, () =>
      Promise.all([
        signAsync("sha256", SIGNING_INPUT, privateKey),
        signAsync("sha256", SIGNING_INPUT, privateKey),
      ]),
    ),
    pairAfterIdleMs: await afterIdle(SAMPLES / 3, async () => {
      const onPool = signAsync("sha256", SIGNING_INPUT, privateKey);
      sign("sha256", SIGNING_INPUT, privateKey);
      await onPool;
    }),
  };
}

/** Median milliseconds of `op`, each run after 2 ms with nothing to do (the pool's threads asleep). */
async function afterIdle(samples: number, op: () => Promise<unknown>): Promise<number> {
  const ms: number[] = [];
  for (let i = 0; i < samples; i++) {
    await new Promise((resolve) => setTimeout(resolve, 2));
    const started = performance.now();
    await op();
    ms.push(performance.now() - started);
  }
  return median(ms);
}

/** The two requests of the test, forwarded as intercept mode forwards them, into a bare fastify app. */
async function injectFloor(): Promise<number> {
  const app = Fastify();
  await app.register(formbody);
  const tokenBody = {
    access_token: "a".repeat(1400),
    id_token: "i".repeat(1000),
    refresh_token: "r".repeat(300),
  };
  const exchangeBody = { token: "t".repeat(1000), expiresOn: new Date().toISOString() };
  app.post("/organizations/oauth2/v2.0/token", async () => tokenBody);
  app.post("/teamsUser/:exchangeAccessToken", async () => exchangeBody);
  await app.ready();
  const target = { app } as unknown as Sandbox;
  const form = new URLSearchParams({
    client_id: "5451bbd6-852b-5648-8f4a-f6e53bea1fee",
    scope: "https://auth.msft.communication.azure.com/Teams.ManageCalls openid profile offline_access",
    grant_type: "password",
    username: "alice@fabrikam.onmicrosoft.com",
    password: "p".repeat(20),
    client_info: "1",
  }).toString();
  const exchange = JSON.stringify({ token: "e".repeat(1400), appId: "x".repeat(36), userId: "y".repeat(36) });
  const ms = await timeEach(SAMPLES, async () => {
    const a = await forward(
      target,
      new Request("https://login.microsoftonline.com/organizations/oauth2/v2.0/token", {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded;charset=utf-8" },
        body: form,
      }),
    );
    await a.json();
    const b = await forward(
      target,
      new Request(
        "https://contoso-acs.communication.azure.com/teamsUser/:exchangeAccessToken?api-version=2023-10-01",
        {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: exchange,
        },
      ),
    );
    await b.json();
  });
  await app.close();
  return ms;
}

export async function measureFloor(): Promise<Floor> {
  const { signMs, verifyMs, pairMs, pairAfterIdleMs } = await cryptoFloor();
  // One round of the four operations back to back, as a test does them (they never overlap).
  return {
    signs: SIGNS,
    verifies: VERIFIES,
    signMs,
    verifyMs,
    pairMs,
    pairAfterIdleMs,
    cryptoMs: SIGNS * signMs + VERIFIES * verifyMs,
    injects: 2,
    injectMs: await injectFloor(),
  };
}
