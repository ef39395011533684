import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import type { Client } from "@microsoft/microsoft-graph-client";
import { describe, expect, it } from "vitest";
import { packageRoot } from "../../harness/sandbox/paths.js";
import { suiteSandbox } from "../../harness/transports/vitest.js";
import { graphAsUser } from "./graph-support.js";

/*
 * `acs-sandbox export-graph` prints a tenant as the Graph requests an admin would make, each as
 * `az rest --url …` shows Graph's answer. Each of those requests, sent through the Microsoft Graph SDK to
 * the sandbox's Graph for the same (default) world, answers exactly what the export printed; and so does
 * `GET` of each application, service principal, grant and user on its own. The export omits nothing a
 * Graph answer holds: the comparison is whole.
 */

const exec = promisify(execFile);
const cli = join(packageRoot(), "dist", "harness", "cli", "index.js");
const GRAPH = "https://graph.microsoft.com/v1.0";

type Json = Record<string, unknown> & { value?: Json[] };

/** The export's documents: each `$ az rest --url "…"` line and the JSON printed under it. */
function exportedDocuments(stdout: string): { url: string; body: Json }[] {
  const parts = stdout.split(/^\$ az rest --url ["'](.+)["']$/m);
  expect(parts[0]!.trim(), "nothing before the first command").toBe("");
  const documents: { url: string; body: Json }[] = [];
  for (let i = 1; i < parts.length; i += 2) {
    documents.push({ url: parts[i]!, body: JSON.parse(parts[i + 1]!) as Json });
  }
  return documents;
}

describe("export-graph prints what Microsoft Graph answers (intercept mode)", () => {
  const sb = suiteSandbox({ mode: "intercept" });

  /** Per tenant of the default world: its Global Administrator and the export of it. */
  const tenants = [
    { tenant: "contoso", admin: "carol" },
    { tenant: "fabrikam", admin: "admin" },
  ];

  async function exportOf(tenant: string) {
    const { stdout } = await exec(process.execPath, [cli, "export-graph", "--tenant", tenant]);
    return exportedDocuments(stdout);
  }

  const get = (graph: Client, path: string) => graph.api(path).get() as Promise<Json>;

  it.each(tenants.map((t) => [t.tenant, t.admin]))(
    "every request of %s's export answers what it printed",
    async (tenant, admin) => {
      const documents = await exportOf(tenant);
      expect(documents.map((d) => d.url.replace(/\?.*$/, "").replace(/[0-9a-f-]{36}/g, "{id}"))).toEqual(
        expect.arrayContaining([
          `${GRAPH}/organization`,
          `${GRAPH}/applications`,
          `${GRAPH}/servicePrincipals`,
          `${GRAPH}/oauth2PermissionGrants`,
          `${GRAPH}/users`,
          `${GRAPH}/directoryRoles(roleTemplateId='{id}')/members`,
        ]),
      );
      const graph = graphAsUser(sb, admin);
      for (const { url, body } of documents) {
        expect(await get(graph, url), url).toEqual(body);
      }
    },
  );

  it("each application, service principal, grant and user answers GET /{set}/{id} as exported", async () => {
    const documents = [...(await exportOf("contoso")), ...(await exportOf("fabrikam"))];
    const collection = (tenantIndex: number, set: string) =>
      documents.filter((d) => new URL(d.url).pathname === `/v1.0/${set}`)[tenantIndex]!;
    const seen: Record<string, number> = {};
    for (const [index, { admin }] of tenants.entries()) {
      const graph = graphAsUser(sb, admin);
      for (const set of ["applications", "servicePrincipals", "oauth2PermissionGrants"]) {
        for (const object of collection(index, set).body.value!) {
          const answer = await get(graph, `/${set}/${String(object.id)}`);
          expect(answer, `${set}/${String(object.id)}`).toEqual({
            "@odata.context": `${GRAPH}/$metadata#${set}/$entity`,
            ...object,
          });
          seen[set] = (seen[set] ?? 0) + 1;
        }
      }
      // Users as `GET /users/{id}?$select=…` with the properties the export selected.
      const users = collection(index, "users");
      const select = new URL(users.url).searchParams.get("$select")!;
      for (const object of users.body.value!) {
        const answer = await get(graph, `/users/${String(object.id)}?$select=${select}`);
        expect(answer).toEqual({
          "@odata.context": `${GRAPH}/$metadata#users(${select})/$entity`,
          ...object,
        });
        seen.users = (seen.users ?? 0) + 1;
      }
    }
    // The default world has four apps, both tenants' service principals, three grants and five users.
    expect(seen).toEqual({
      applications: 4,
      servicePrincipals: expect.any(Number) as number,
      oauth2PermissionGrants: 3,
      users: 5,
    });
    expect(seen.servicePrincipals).toBeGreaterThanOrEqual(16);
  });
});
