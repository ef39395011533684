import { webcrypto, randomBytes, X509Certificate } from "node:crypto";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { isIP } from "node:net";
import { homedir } from "node:os";
import { join } from "node:path";
import writeFileAtomic from "write-file-atomic";
import { loadX509, type X509 } from "../../core/x509-loader.js";

/*
 * New CAs and every leaf use ECDSA P-256: generating a key takes about a millisecond where RSA-2048 takes
 * hundreds, and every TLS stack the clients use (Node, OpenSSL for Python, SChannel/.NET, Java) accepts it.
 * A CA made by an older version is RSA and stays in use, so a CA trusted once stays trusted.
 */
const EC_KEY = { name: "ECDSA", namedCurve: "P-256" } as const;
const EC_SIGNING = { name: "ECDSA", hash: "SHA-256" } as const;
const RSA_SIGNING = { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" } as const;
const DAY_MS = 86_400_000;
/** A kept leaf is made anew this long before it expires. */
const LEAF_RENEW_MS = 30 * DAY_MS;

/** TLS material for server mode: a local CA (kept, so it is trusted once) and a leaf signed by it. */
export interface TlsMaterial {
  caCertPath: string;
  caCertPem: string;
  certPem: string;
  keyPem: string;
}

/** The leaf kept beside the CA, reused while it names the same hosts under the same CA. */
interface StoredLeaf {
  names: string[];
  caCertPem: string;
  certPem: string;
  keyPem: string;
}

/** Where the CA lives when no data dir is given: per user, so trusting it once lasts. */
export function defaultCaDir(): string {
  return process.env.ACS_SANDBOX_CA_DIR ?? join(homedir(), ".acs-sandbox", "ca");
}

async function exportPem(label: string, key: CryptoKey): Promise<string> {
  const der = Buffer.from(await webcrypto.subtle.exportKey("pkcs8", key)).toString("base64");
  return `-----BEGIN ${label}-----\n${der.replace(/.{1,64}/g, "$&\n")}-----END ${label}-----\n`;
}

async function createCa(dir: string, certPath: string, keyPath: string): Promise<void> {
  const x509 = await loadX509();
  mkdirSync(dir, { recursive: true });
  const keys = (await webcrypto.subtle.generateKey(EC_KEY, true, ["sign", "verify"])) as CryptoKeyPair;
  const now = Date.now();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomBytes(8).toString("hex"),
    name: "CN=acs-sandbox local CA, O=acs-sandbox",
    notBefore: new Date(now - DAY_MS),
    notAfter: new Date(now + 10 * 365 * DAY_MS),
    signingAlgorithm: EC_SIGNING,
    keys,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  // Each file whole or not at all (temp file, fsync, rename); the key first, so a certificate on disk
  // always has its key beside it, and a start killed in between makes a new pair next time.
  writeFileAtomic.sync(keyPath, await exportPem("PRIVATE KEY", keys.privateKey), {
    mode: 0o600,
    fsync: true,
  });
  writeFileAtomic.sync(certPath, cert.toString("pem") + "\n", { fsync: true });
}

/** Reads a stored CA file; a damaged one is refused with its name and what to do. */
function readStored(path: string, check: (text: string) => void): string {
  try {
    const text = readFileSync(path, "utf8");
    check(text);
    return text;
  } catch (err) {
    throw new Error(
      `${path} is damaged (${(err as Error).message}): delete its folder to make a new CA, and trust the new ca.pem in your clients`,
    );
  }
}

async function createLeaf(
  x509: X509,
  caCertPem: string,
  caKeyPem: string,
  names: string[],
): Promise<{ certPem: string; keyPem: string }> {
  const caCert = new x509.X509Certificate(caCertPem);
  // A self-signed CA's signature algorithm is its own key's.
  const signing = (caCert.signatureAlgorithm as Algorithm).name === "ECDSA" ? EC_SIGNING : RSA_SIGNING;
  const caKey = (await webcrypto.subtle.importKey(
    "pkcs8",
    Buffer.from(caKeyPem.replace(/-----[^-]+-----|\s/g, ""), "base64"),
    signing === EC_SIGNING ? EC_KEY : RSA_SIGNING,
    false,
    ["sign"],
  )) as CryptoKey;
  const keys = (await webcrypto.subtle.generateKey(EC_KEY, true, ["sign", "verify"])) as CryptoKeyPair;
  const now = Date.now();
  const leaf = await x509.X509CertificateGenerator.create({
    serialNumber: randomBytes(8).toString("hex"),
    subject: "CN=localhost, O=acs-sandbox",
    issuer: caCert.subject,
    notBefore: new Date(now - DAY_MS),
    notAfter: new Date(now + 365 * DAY_MS),
    signingAlgorithm: signing,
    publicKey: keys.publicKey,
    signingKey: caKey,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      // ECDSA keys sign the handshake; keyEncipherment is for RSA key transport only.
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension(
        names.map((n) => (isIP(n) ? { type: "ip" as const, value: n } : { type: "dns" as const, value: n })),
      ),
      await x509.AuthorityKeyIdentifierExtension.create(caCert),
    ],
  });
  return { certPem: leaf.toString("pem") + "\n", keyPem: await exportPem("PRIVATE KEY", keys.privateKey) };
}

function keptLeaf(path: string, names: string[], caCertPem: string): StoredLeaf | undefined {
  if (!existsSync(path)) return undefined;
  try {
    const stored = JSON.parse(readFileSync(path, "utf8")) as StoredLeaf;
    const fresh = Date.parse(new X509Certificate(stored.certPem).validTo) - Date.now() > LEAF_RENEW_MS;
    const same = stored.caCertPem === caCertPem && stored.names.join(",") === names.join(",");
    return fresh && same ? stored : undefined;
  } catch {
    return undefined; // unreadable or from another version: make a new one
  }
}

/**
 * Returns the CA from `dir` (creating it on first use) and a leaf for `localhost`, `127.0.0.1`, `::1` and
 * every extra host name, so the certificate names whatever address clients use. The leaf is kept in
 * `dir` too and made anew when the names or the CA change, or when it nears expiry.
 */
export async function tlsMaterial(dir: string, extraHostnames: readonly string[] = []): Promise<TlsMaterial> {
  const certPath = join(dir, "ca.pem");
  const keyPath = join(dir, "ca-key.pem");
  if (!existsSync(certPath) || !existsSync(keyPath)) await createCa(dir, certPath, keyPath);
  const caCertPem = readStored(certPath, (text) => void new X509Certificate(text));
  const caKeyPem = readStored(keyPath, (text) => {
    if (!/-----BEGIN PRIVATE KEY-----[\s\S]+-----END PRIVATE KEY-----/.test(text))
      throw new Error("no private key");
  });
  const names = [...new Set(["localhost", "127.0.0.1", "::1", ...extraHostnames])];
  const leafPath = join(dir, "leaf.json");
  let leaf = keptLeaf(leafPath, names, caCertPem);
  if (!leaf) {
    leaf = {
      names,
      caCertPem,
      ...(await createLeaf(await loadX509(), caCertPem, caKeyPem, names)),
    };
    // Atomic: sandboxes starting side by side share the CA folder and may read it while it is written.
    // Keeping the leaf only saves the next start a key generation: a CA folder this process may read but
    // not write (a CA handed to a container) still serves.
    await writeFileAtomic(leafPath, JSON.stringify(leaf), { mode: 0o600 }).catch(
      (err: NodeJS.ErrnoException) => {
        if (err.code !== "EACCES" && err.code !== "EPERM" && err.code !== "EROFS") throw err;
      },
    );
  }
  return { caCertPath: certPath, caCertPem, certPem: leaf.certPem + caCertPem, keyPem: leaf.keyPem };
}

/** The CA as a shared store keeps it, so every replica of a team sandbox presents certificates of one CA. */
interface StoredCa {
  certPem: string;
  keyPem: string;
}

/**
 * Puts the store's CA in `dir` (replacing what is there), or, for the first replica, stores the CA of
 * `dir` (made there if needed). Then `tlsMaterial(dir)` makes this replica's leaf under the shared CA.
 */
export async function sharedCa(
  store: {
    readDocument<T>(name: string): Promise<{ value: T } | undefined>;
    writeDocument<T>(name: string, value: T, expectedVersion?: number): Promise<number | undefined>;
  },
  dir: string,
): Promise<void> {
  const certPath = join(dir, "ca.pem");
  const keyPath = join(dir, "ca-key.pem");
  let stored = (await store.readDocument<StoredCa>("ca"))?.value;
  if (!stored) {
    if (!existsSync(certPath) || !existsSync(keyPath)) await createCa(dir, certPath, keyPath);
    const own = { certPem: readFileSync(certPath, "utf8"), keyPem: readFileSync(keyPath, "utf8") };
    if ((await store.writeDocument("ca", own, 0)) !== undefined) return;
    stored = (await store.readDocument<StoredCa>("ca"))?.value;
    if (!stored) throw new Error("The store lost the CA while it was written");
  }
  const current = existsSync(certPath) ? readFileSync(certPath, "utf8") : undefined;
  if (current === stored.certPem && existsSync(keyPath)) return;
  mkdirSync(dir, { recursive: true });
  writeFileAtomic.sync(keyPath, stored.keyPem, { mode: 0o600, fsync: true });
  writeFileAtomic.sync(certPath, stored.certPem, { fsync: true });
}
