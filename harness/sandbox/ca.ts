import { webcrypto, randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import writeFileAtomic from "write-file-atomic";
import { isIP } from "node:net";
import { homedir } from "node:os";
import { join } from "node:path";
import { x509 } from "../../core/x509.js";

const ALG = {
  name: "RSASSA-PKCS1-v1_5",
  hash: "SHA-256",
  publicExponent: new Uint8Array([1, 0, 1]),
  modulusLength: 2048,
};

/** TLS material for server mode: a local CA (kept, so it is trusted once) and a leaf signed by it. */
export interface TlsMaterial {
  caCertPath: string;
  caCertPem: string;
  certPem: string;
  keyPem: string;
}

/** Where the CA lives when no data dir is given: per user, so trusting it once lasts. */
export function defaultCaDir(): string {
  return process.env.ACS_SANDBOX_CA_DIR ?? join(homedir(), ".acs-sandbox", "ca");
}

function pem(label: string, der: ArrayBuffer): string {
  return x509.PemConverter.encode(der, label) + "\n";
}

async function importKey(pemText: string): Promise<CryptoKey> {
  const der = Buffer.from(pemText.replace(/-----[^-]+-----|\s/g, ""), "base64");
  return webcrypto.subtle.importKey("pkcs8", der, ALG, true, ["sign"]) as Promise<CryptoKey>;
}

/** Parses a stored CA file; a damaged one is refused with its name and what to do. */
function readStored<T>(path: string, parse: (text: string) => T): T {
  try {
    return parse(readFileSync(path, "utf8"));
  } catch (err) {
    throw new Error(
      `${path} is damaged (${(err as Error).message}): delete its folder to make a new CA, and trust the new ca.pem in your clients`,
    );
  }
}

async function loadOrCreateCa(
  dir: string,
): Promise<{ cert: x509.X509Certificate; key: CryptoKey; path: string }> {
  const certPath = join(dir, "ca.pem");
  const keyPath = join(dir, "ca-key.pem");
  if (existsSync(certPath) && existsSync(keyPath)) {
    return {
      cert: readStored(certPath, (text) => new x509.X509Certificate(text)),
      key: await readStored(keyPath, importKey),
      path: certPath,
    };
  }
  mkdirSync(dir, { recursive: true });
  const keys = (await webcrypto.subtle.generateKey(ALG, true, ["sign", "verify"])) as CryptoKeyPair;
  const now = new Date();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomBytes(8).toString("hex"),
    name: "CN=acs-sandbox local CA, O=acs-sandbox",
    notBefore: new Date(now.getTime() - 86_400_000),
    notAfter: new Date(now.getTime() + 10 * 365 * 86_400_000),
    signingAlgorithm: ALG,
    keys,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  // Each file whole or not at all (temp file, fsync, rename); the key first, so a certificate on disk
  // always has its key beside it, and a start killed in between makes a new pair next time.
  const keyPem = pem("PRIVATE KEY", await webcrypto.subtle.exportKey("pkcs8", keys.privateKey));
  writeFileAtomic.sync(keyPath, keyPem, { mode: 0o600, fsync: true });
  writeFileAtomic.sync(certPath, cert.toString("pem") + "\n", { fsync: true });
  return { cert, key: keys.privateKey, path: certPath };
}

/**
 * Returns the CA from `dir` (creating it on first use) and a fresh leaf for `localhost`, `127.0.0.1`,
 * `::1` and every extra host name, so the certificate names whatever address clients use.
 */
export async function tlsMaterial(dir: string, extraHostnames: readonly string[] = []): Promise<TlsMaterial> {
  const ca = await loadOrCreateCa(dir);
  const names = [...new Set(["localhost", "127.0.0.1", "::1", ...extraHostnames])];
  const keys = (await webcrypto.subtle.generateKey(ALG, true, ["sign", "verify"])) as CryptoKeyPair;
  const now = new Date();
  const leaf = await x509.X509CertificateGenerator.create({
    serialNumber: randomBytes(8).toString("hex"),
    subject: "CN=localhost, O=acs-sandbox",
    issuer: ca.cert.subject,
    notBefore: new Date(now.getTime() - 86_400_000),
    notAfter: new Date(now.getTime() + 365 * 86_400_000),
    signingAlgorithm: ALG,
    publicKey: keys.publicKey,
    signingKey: ca.key,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(
        x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment,
        true,
      ),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension(
        names.map((n) => (isIP(n) ? { type: "ip" as const, value: n } : { type: "dns" as const, value: n })),
      ),
      await x509.AuthorityKeyIdentifierExtension.create(ca.cert),
    ],
  });
  const caCertPem = ca.cert.toString("pem") + "\n";
  return {
    caCertPath: ca.path,
    caCertPem,
    certPem: leaf.toString("pem") + "\n" + caCertPem,
    keyPem: pem("PRIVATE KEY", await webcrypto.subtle.exportKey("pkcs8", keys.privateKey)),
  };
}
