import { describe, expect, it } from "vitest";
import { buildDirectory, DirectorySchema } from "../../mock-aad/directory.js";
import { defaultRedirectUri, matchRedirectUri, redirectUriMatches } from "../../mock-aad/redirect-uris.js";

const directory = buildDirectory(
  DirectorySchema.parse({
    tenants: { contoso: {} },
    apps: {
      desktop: {
        tenant: "contoso",
        redirectUris: {
          publicClient: ["http://localhost", "http://localhost/redirect"],
          spa: ["http://localhost/spa"],
        },
      },
      web: { tenant: "contoso", redirectUris: { web: ["https://contoso.example/auth"] } },
      daemon: { tenant: "contoso" },
    },
  }),
);
const app = (name: string) => directory.apps.find((a) => a.name === name)!;

describe("redirect URI matching (reply-url.md)", () => {
  it("ignores the port of http://localhost and http://127.0.0.1", () => {
    expect(redirectUriMatches("http://localhost", "http://localhost:53121")).toBe(true);
    expect(redirectUriMatches("http://127.0.0.1/cb", "http://127.0.0.1:8080/cb")).toBe(true);
  });

  it("does not ignore the path: http://localhost does not cover http://localhost:3000/redirect", () => {
    expect(redirectUriMatches("http://localhost", "http://localhost:3000/redirect")).toBe(false);
    expect(redirectUriMatches("http://localhost/redirect", "http://localhost:3000/redirect")).toBe(true);
  });

  it("matches other URIs exactly, ports and schemes included", () => {
    expect(redirectUriMatches("https://contoso.example/auth", "https://contoso.example/auth")).toBe(true);
    expect(redirectUriMatches("https://contoso.example/auth", "https://contoso.example:8443/auth")).toBe(
      false,
    );
    expect(redirectUriMatches("https://localhost/auth", "https://localhost:8443/auth")).toBe(false);
    expect(redirectUriMatches("http://localhost", "https://localhost")).toBe(false);
  });

  it("compares strings as Entra does, not normalised URLs", () => {
    for (const requested of [
      " http://localhost",
      "http://LOCALHOST",
      "HTTP://localhost",
      "http://localhost/./",
      "http://localhost/",
      "http://localhost:3000/",
      "http://localhost%2F",
      "http://localhost:99999999",
      "http://localhost.evil.example",
      "http://[::1]:3000",
    ]) {
      expect(redirectUriMatches("http://localhost", requested), JSON.stringify(requested)).toBe(false);
    }
    expect(redirectUriMatches("https://contoso.example/auth", "https://CONTOSO.example/auth")).toBe(false);
    expect(redirectUriMatches("https://contoso.example/auth", "https://contoso.example/auth/")).toBe(false);
    expect(redirectUriMatches("http://127.0.0.1:5000/cb", "http://127.0.0.1:6001/cb")).toBe(true);
    expect(redirectUriMatches("http://localhost", "http://127.0.0.1:6001")).toBe(false);
  });

  it("reports the platform the URI is registered under", () => {
    expect(matchRedirectUri(app("desktop"), "http://localhost:4000")).toEqual({
      platform: "publicClient",
      registered: "http://localhost",
    });
    expect(matchRedirectUri(app("desktop"), "http://localhost:5173/spa")?.platform).toBe("spa");
    expect(matchRedirectUri(app("web"), "https://contoso.example/auth")?.platform).toBe("web");
    expect(matchRedirectUri(app("web"), "https://evil.example/auth")).toBeUndefined();
  });

  it("gives admin consent the first registered URI, or none", () => {
    expect(defaultRedirectUri(app("web"))).toBe("https://contoso.example/auth");
    expect(defaultRedirectUri(app("daemon"))).toBeUndefined();
  });
});
