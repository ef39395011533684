import { describe, expect, it } from "vitest";
import { buildDirectory, DirectorySchema } from "../../mock-aad/directory.js";
import { isSandboxIssuer, matchFederatedCredential } from "../../mock-aad/federation.js";

/* Which federated credential a presented assertion's issuer, subject and audience select. */

const directory = buildDirectory(
  DirectorySchema.parse({
    tenants: { contoso: {} },
    apps: {
      backend: {
        tenant: "contoso",
        federatedCredentials: [
          { issuer: "sandbox", subject: "system:serviceaccount:default:backend" },
          {
            issuer: "https://token.actions.githubusercontent.com",
            subject: "repo:contoso/app:ref:refs/heads/main",
            audiences: ["api://AzureADTokenExchange", "api://contoso"],
          },
        ],
      },
    },
  }),
);
const app = directory.apps[0]!;

describe("matchFederatedCredential", () => {
  it("takes `sandbox` for the sandbox's workload issuer at any origin", () => {
    for (const iss of [
      "https://localhost:8443/_sandbox/workload-issuer",
      "https://login.microsoftonline.com/_sandbox/workload-issuer",
    ]) {
      expect(
        matchFederatedCredential(app, {
          iss,
          sub: "system:serviceaccount:default:backend",
          aud: ["api://AzureADTokenExchange"],
        })?.name,
      ).toBe("federated-credential-1");
    }
    expect(isSandboxIssuer("https://oidc.prod-aks.azure.com/_sandbox/other")).toBe(false);
  });

  it("compares the subject case-sensitively, as Entra does", () => {
    expect(
      matchFederatedCredential(app, {
        iss: "https://localhost:8443/_sandbox/workload-issuer",
        sub: "system:serviceaccount:default:Backend",
        aud: "api://AzureADTokenExchange",
      }),
    ).toBeUndefined();
  });

  it("accepts any one of the record's audiences, as a string or in a list", () => {
    const claims = {
      iss: "https://token.actions.githubusercontent.com",
      sub: "repo:contoso/app:ref:refs/heads/main",
    };
    expect(matchFederatedCredential(app, { ...claims, aud: "api://contoso" })?.name).toBe(
      "federated-credential-2",
    );
    expect(
      matchFederatedCredential(app, { ...claims, aud: ["x", "api://AzureADTokenExchange"] }),
    ).toBeDefined();
    expect(matchFederatedCredential(app, { ...claims, aud: "api://other" })).toBeUndefined();
    expect(matchFederatedCredential(app, { ...claims })).toBeUndefined();
  });
});
