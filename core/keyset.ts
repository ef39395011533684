import {
  webcrypto,
  createHash,
  createPrivateKey,
  sign as signData,
  X509Certificate,
  type KeyObject,
} from "node:crypto";
import { promisify } from "node:util";
import { loadX509 } from "./x509-loader.js";
import { importPKCS8, exportPKCS8, type JWK, exportJWK, type JWTPayload } from "jose";

const RSA_PARAMS = {
  name: "RSASSA-PKCS1-v1_5",
  hash: "SHA-256",
  publicExponent: new Uint8Array([1, 0, 1]),
  modulusLength: 2048,
} as const;

/** One RS256 signing key with the self-signed certificate Entra and ACS publish beside it (`x5c`). */
export interface SigningKey {
  /** Key id; like Entra, equal to `x5t` (base64url SHA-1 of the certificate). */
  kid: string;
  x5t: string;
  privateKey: CryptoKey;
  /** The same key for node:crypto, which signs the sandbox's own tokens (see KeySet.sign). */
  signingKey: KeyObject;
  /** Public JWK with `kid`, `x5t`, `x5c`, `use`, `alg`. */
  jwk: JWK;
  /** PEM forms, for persisting the key across restarts. */
  privateKeyPem: string;
  certificatePem: string;
}

/** The serialisable form of a signing key. */
export interface StoredSigningKey {
  privateKeyPem: string;
  certificatePem: string;
}

async function fromPem(stored: StoredSigningKey): Promise<SigningKey> {
  const privateKey = (await importPKCS8(stored.privateKeyPem, "RS256", { extractable: true })) as CryptoKey;
  const cert = new X509Certificate(stored.certificatePem);
  const der = cert.raw;
  const x5t = createHash("sha1").update(der).digest("base64url");
  const publicJwk = await exportJWK(cert.publicKey);
  const jwk: JWK = {
    kty: "RSA",
    use: "sig",
    kid: x5t,
    x5t,
    n: publicJwk.n!,
    e: publicJwk.e!,
    x5c: [der.toString("base64")],
  };
  return { kid: x5t, x5t, privateKey, signingKey: createPrivateKey(stored.privateKeyPem), jwk, ...stored };
}

/** Generates a key pair and a self-signed certificate naming `subject` (a CN). */
export async function generateSigningKey(subject: string): Promise<SigningKey> {
  // The RSA generation runs on the thread pool while the certificate library loads.
  const [keys, x509] = await Promise.all([
    webcrypto.subtle.generateKey(RSA_PARAMS, true, ["sign", "verify"]) as Promise<CryptoKeyPair>,
    loadX509(),
  ]);
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: createHash("sha1")
      .update(webcrypto.getRandomValues(new Uint8Array(16)))
      .digest("hex")
      .slice(0, 16),
    name: `CN=${subject}`,
    // Validity is wall-clock on purpose: certificates are checked by TLS stacks, not by sandbox logic.
    notBefore: new Date("2020-01-01T00:00:00Z"),
    notAfter: new Date("2045-01-01T00:00:00Z"),
    signingAlgorithm: RSA_PARAMS,
    keys,
  });
  return fromPem({
    privateKeyPem: await exportPKCS8(keys.privateKey),
    certificatePem: cert.toString("pem"),
  });
}

/** Restores keys persisted with {@link SigningKey.privateKeyPem} / {@link SigningKey.certificatePem}. */
export async function loadSigningKey(stored: StoredSigningKey): Promise<SigningKey> {
  return fromPem(stored);
}

const signAsync = promisify(signData);

/** Signs on the thread pool and not yet done, of every key set: they share the process's one pool. */
let signing = 0;

/** Whether no sign is on the thread pool now: the request at hand then has the process to itself. */
export function signingIdle(): boolean {
  return signing === 0;
}

/** Where a sign runs: on the thread pool (the default), or `here`, on the calling thread. */
export interface SignOptions {
  here?: boolean;
}

function base64url(text: string): string {
  return Buffer.from(text).toString("base64url");
}

/** An RS256 signature of `signingInput` made on the thread pool, counted while under way. */
async function signOnPool(signingInput: string, key: SigningKey): Promise<Buffer> {
  signing++;
  try {
    return await signAsync("sha256", Buffer.from(signingInput), key.signingKey);
  } finally {
    signing--;
  }
}

/** How many tokens signed ahead a key set keeps unasked for: a test or a developer's app uses the last one. */
const SIGNED_AHEAD_KEPT = 4;

/**
 * A key set as it becomes available: `signing`, the keys a sandbox may answer with (the first signs),
 * and `whole`, every key it publishes. They differ only while a fresh data dir's later keys are made
 * (harness/sandbox/keys.ts).
 */
export interface KeysInTheMaking {
  signing: Promise<readonly SigningKey[]>;
  whole: Promise<readonly SigningKey[]>;
}

/**
 * A published set of keys, of which the first signs. Entra publishes several keys and rotates which one
 * signs; clients must pick the key by `kid`, so the sandbox publishes at least two.
 */
export class KeySet {
  #keys: readonly SigningKey[] | undefined;
  /** Tokens signed ahead and not yet asked for, by signing input (header and claims, base64url). */
  #ahead = new Map<string, Promise<string | undefined>>();
  /** Resolves once the keys that sign are here; rejects when they could not be read or made. */
  readonly ready: Promise<void>;
  /** Resolves once every key the set publishes is here (`jwks()` lists those here so far). */
  readonly whole: Promise<void>;

  /**
   * The keys, or the keys in the making: a sandbox builds its app while a fresh data dir's keys are still
   * being generated, and awaits `ready` before it answers anything.
   */
  constructor(keys: readonly SigningKey[] | KeysInTheMaking) {
    const take = (given: readonly SigningKey[]) => {
      if (given.length === 0) throw new Error("A key set needs at least one key");
      // The whole set may come after the signing keys, never before them.
      if (!this.#keys || given.length > this.#keys.length) this.#keys = given;
    };
    if ("signing" in keys) {
      this.ready = keys.signing.then(take);
      this.whole = keys.whole.then(take);
    } else {
      take(keys);
      this.ready = Promise.resolve();
      this.whole = this.ready;
    }
    // Awaited later (Sandbox.create, the JWKS route); a failure before then is not an unhandled rejection.
    this.ready.catch(() => {});
    this.whole.catch(() => {});
  }

  get keys(): readonly SigningKey[] {
    if (!this.#keys) throw new Error("A key set was used before its keys were ready");
    return this.#keys;
  }

  get active(): SigningKey {
    return this.keys[0]!;
  }

  /** JWKS document; `extra` adds members to every key (Entra's v2 keys carry `issuer`). */
  jwks(extra: Record<string, string> = {}): { keys: JWK[] } {
    return { keys: this.keys.map((k) => ({ ...k.jwk, ...extra })) };
  }

  /**
   * Signs a JWT (RS256, JWS compact form) with the active key; `header` adds header members (v1 Entra
   * tokens carry `x5t`). The sandbox signs claims it built itself, so it needs none of jose's claim
   * checks or WebCrypto's argument conversions, which together cost a fifth of a token request: node's
   * own RSA signing, on the thread pool as WebCrypto's is. Tokens are verified with jose everywhere (ACS's
   * checks of Entra tokens with the RSA step on the calling thread, core/verify-here.ts).
   */
  async sign(
    payload: JWTPayload,
    header: Record<string, unknown> = {},
    options: SignOptions = {},
  ): Promise<string> {
    const key = this.active;
    const signingInput = this.#signingInput(key, payload, header);
    const ahead = this.#ahead.get(signingInput);
    if (ahead) {
      this.#ahead.delete(signingInput);
      const token = await ahead;
      if (token !== undefined) return token;
    }
    let signature: Buffer;
    if (options.here) {
      signature = signData("sha256", Buffer.from(signingInput), key.signingKey);
    } else {
      signature = await signOnPool(signingInput, key);
    }
    return `${signingInput}.${signature.toString("base64url")}`;
  }

  /**
   * Signs a token the sandbox expects to be asked for next, on the thread pool's spare thread (the
   * Communication Services token a Teams exchange of a just-issued Entra token returns): `sign()` of the
   * same header and claims with the same key then takes it instead of signing again. RS256 (PKCS#1 v1.5)
   * signatures are deterministic, so the token is byte for byte the one `sign()` would make: nothing a
   * client sees depends on whether it was signed ahead. Callers sign ahead only when the pool has a
   * thread to spare (a client that has the sandbox to itself); the last few are kept, unused ones
   * dropped oldest first.
   */
  signAhead(payload: JWTPayload, header: Record<string, unknown> = {}): void {
    if (!this.#keys) return;
    const key = this.active;
    const signingInput = this.#signingInput(key, payload, header);
    if (this.#ahead.has(signingInput)) return;
    const oldest = this.#ahead.keys().next();
    if (this.#ahead.size >= SIGNED_AHEAD_KEPT && !oldest.done) this.#ahead.delete(oldest.value);
    this.#ahead.set(
      signingInput,
      signOnPool(signingInput, key).then(
        (signature) => `${signingInput}.${signature.toString("base64url")}`,
        () => undefined,
      ),
    );
  }

  #signingInput(key: SigningKey, payload: JWTPayload, header: Record<string, unknown>): string {
    const encodedHeader = base64url(JSON.stringify({ typ: "JWT", alg: "RS256", kid: key.kid, ...header }));
    return `${encodedHeader}.${base64url(JSON.stringify(payload))}`;
  }

  stored(): StoredSigningKey[] {
    return this.keys.map(({ privateKeyPem, certificatePem }) => ({ privateKeyPem, certificatePem }));
  }
}

const generated = new Map<string, Promise<SigningKey[]>>();

/**
 * Keys generated once per process and label: RSA generation costs tens of milliseconds, and a test run
 * starts many sandboxes. Each sandbox still has its own state; only key material is shared.
 */
export function processKeys(label: string, count: number, subject: string): Promise<SigningKey[]> {
  const cacheKey = `${label}:${count}:${subject}`;
  let pending = generated.get(cacheKey);
  if (!pending) {
    pending = Promise.all(Array.from({ length: count }, () => generateSigningKey(subject)));
    generated.set(cacheKey, pending);
  }
  return pending;
}
