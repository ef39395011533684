import { beforeAll, describe, expect, it } from "vitest";
import { MODES, user } from "../support/modes.js";
import { suiteSandbox } from "../../harness/transports/vitest.js";

describe.each(MODES)("User realm discovery (%s mode)", (mode) => {
  const sb = suiteSandbox({ mode, port: 0 });
  let base: string;
  beforeAll(async () => {
    base = mode === "server" ? sb.descriptor.baseUrl : "https://login.microsoftonline.com";
  });

  it("answers a world domain as Managed, byte for byte as recorded", async () => {
    const alice = user(sb, "alice");
    const res = await fetch(`${base}/common/userrealm/${alice.upn}?api-version=1.0`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/json; charset=utf-8");
    expect(res.headers.get("cache-control")).toBe("no-store, no-cache");
    expect(res.headers.get("content-disposition")).toBe("inline; filename=userrealm.json");
    expect(await res.text()).toBe(
      '{"ver":"1.0","account_type":"Managed","domain_name":"fabrikam.onmicrosoft.com",' +
        '"cloud_instance_name":"microsoftonline.com","cloud_audience_urn":"urn:federation:MicrosoftOnline"}',
    );
  });

  it("answers under a tenant segment and with MSAL.NET's spelling, whatever the case of the UPN", async () => {
    for (const path of [
      "/organizations/userrealm/ALICE@Fabrikam.OnMicrosoft.com",
      "/common/UserRealm/dave@contoso.onmicrosoft.com",
      "/fabrikam.onmicrosoft.com/userrealm/alice%40fabrikam.onmicrosoft.com",
    ]) {
      const res = await fetch(`${base}${path}?api-version=1.0`);
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ account_type: "Managed" });
    }
  });

  it("answers Unknown for a domain no tenant of the world holds", async () => {
    const res = await fetch(`${base}/common/userrealm/someone@example.org?api-version=1.0`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      ver: "1.0",
      account_type: "Unknown",
      cloud_instance_name: "microsoftonline.com",
    });
  });

  it("speaks the 2.0 shape when a client asks for api-version 2.0", async () => {
    const res = await fetch(`${base}/common/userrealm/alice@fabrikam.onmicrosoft.com?api-version=2.0`);
    expect(await res.json()).toEqual({
      NameSpaceType: "Managed",
      Login: "alice@fabrikam.onmicrosoft.com",
      DomainName: "fabrikam.onmicrosoft.com",
      FederationBrandName: "Fabrikam",
      TenantBrandingInfo: null,
      cloud_instance_name: "microsoftonline.com",
    });
  });
});
