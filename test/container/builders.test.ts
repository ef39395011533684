// Builders fail at once, with what to do instead, before any container is created.
import { describe, expect, it } from "vitest";
import { AcsSandboxContainer } from "../../harness/transports/testcontainers.js";
import { testCertificateAuthority } from "./support.js";

describe("AcsSandboxContainer builders", () => {
  it("refuses a scenario and a world together", () => {
    const container = new AcsSandboxContainer().withScenario("tenants: {}\nname: x\n");
    expect(() => container.withWorld("tenants: {}\n")).toThrow(/already set by withScenario[\s\S]*Pick one/);
  });

  it("refuses a scenario that is neither a file, YAML nor a bundled name", () => {
    expect(() => new AcsSandboxContainer().withScenario("./no/such/scenario.yaml")).toThrow(
      /no such file and no bundled scenario.*npx acs-sandbox list/,
    );
  });

  it("takes a bundled scenario by name", () => {
    expect(() => new AcsSandboxContainer().withScenario("missing-service-principal")).not.toThrow();
  });

  it("refuses a URL where a host name belongs", () => {
    expect(() => new AcsSandboxContainer().withPublicHostname("https://acs-sandbox:8443")).toThrow(
      /not a URL/,
    );
  });

  it("refuses its own CA on a data volume, which keeps the CA of its first start", () => {
    const container = new AcsSandboxContainer().withDataVolume("acs-sandbox-data");
    expect(() => container.withCertificateAuthority(testCertificateAuthority())).toThrow(
      /cannot be combined/,
    );
  });
});
