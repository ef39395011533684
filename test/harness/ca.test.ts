import { X509Certificate } from "node:crypto";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
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
    const first = await signingKeys("aad", dir).whole;
    const second = await signingKeys("aad", dir).whole;
    expect(first).toHaveLength(2);
    expect(second.map((k) => k.kid)).toEqual(first.map((k) => k.kid));
  });

  it("keeps the key that signs before it makes the one Entra only publishes", async () => {
    const dir = mkdtempSync(join(tmpdir(), "keys-test-"));
    const making = signingKeys("aad", dir);
    const [signing] = await making.signing;
    // Kept on disk before any token can be signed with it: a start stopped now still verifies them.
    const onDisk = JSON.parse(readFileSync(join(dir, "aad.json"), "utf8")) as { certificatePem: string }[];
    expect(onDisk[0]!.certificatePem).toBe(signing!.certificatePem);
    const whole = await making.whole;
    expect(whole.map((k) => k.kid)).toEqual([signing!.kid, expect.any(String)]);
    expect(whole[1]!.kid).not.toBe(signing!.kid);
    expect(JSON.parse(readFileSync(join(dir, "aad.json"), "utf8"))).toHaveLength(2);
  });

  it("completes a set kept with its first key only (a start stopped between the two steps)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "keys-test-"));
    const [first] = await signingKeys("aad", mkdtempSync(join(tmpdir(), "keys-seed-"))).whole;
    writeFileSync(
      join(dir, "aad.json"),
      JSON.stringify([{ privateKeyPem: first!.privateKeyPem, certificatePem: first!.certificatePem }]),
    );
    const making = signingKeys("aad", dir);
    expect((await making.signing).map((k) => k.kid)).toEqual([first!.kid]);
    const whole = await making.whole;
    expect(whole).toHaveLength(2);
    expect(whole[0]!.kid).toBe(first!.kid);
    const reread = await signingKeys("aad", dir).whole;
    expect(reread.map((k) => k.kid)).toEqual(whole.map((k) => k.kid));
  });
});
