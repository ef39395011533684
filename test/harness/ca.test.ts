import { X509Certificate } from "node:crypto";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { tlsMaterial } from "../../harness/sandbox/ca.js";
import { signingKeys } from "../../harness/sandbox/keys.js";

describe("the sandbox CA folder", () => {
  it("makes a P-256 CA and leaf once, and reuses the leaf while the names stay the same", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ca-test-"));
    const first = await tlsMaterial(dir, ["sandbox.test"]);
    const leaf = new X509Certificate(first.certPem);
    expect(leaf.publicKey.asymmetricKeyType).toBe("ec");
    expect(leaf.subjectAltName).toContain("DNS:sandbox.test");
    expect(leaf.verify(new X509Certificate(first.caCertPem).publicKey)).toBe(true);
    expect(readFileSync(first.caCertPath, "utf8")).toBe(first.caCertPem);

    const again = await tlsMaterial(dir, ["sandbox.test"]);
    expect(again.certPem).toBe(first.certPem);
    expect(again.keyPem).toBe(first.keyPem);

    const renamed = await tlsMaterial(dir, ["other.test"]);
    expect(renamed.certPem).not.toBe(first.certPem);
    expect(new X509Certificate(renamed.certPem).subjectAltName).toContain("DNS:other.test");
    expect(renamed.caCertPem).toBe(first.caCertPem);
  });

  it("keeps signing keys in a folder, so a second start loads the same keys", async () => {
    const dir = mkdtempSync(join(tmpdir(), "keys-test-"));
    const first = await signingKeys("aad", dir);
    const second = await signingKeys("aad", dir);
    expect(first).toHaveLength(2);
    expect(second.map((k) => k.kid)).toEqual(first.map((k) => k.kid));
  });
});
