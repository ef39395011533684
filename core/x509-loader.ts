/** The configured `@peculiar/x509` module (see ./x509.ts). */
export type X509 = typeof import("@peculiar/x509");

/**
 * Loads `@peculiar/x509` on first use: it pulls in about 170 modules, and a sandbox whose keys and
 * certificates are kept on disk never makes a certificate.
 */
export async function loadX509(): Promise<X509> {
  return (await import("./x509.js")).x509;
}
