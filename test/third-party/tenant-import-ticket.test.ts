import { execFile } from "node:child_process";
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { CommunicationIdentityClient } from "@azure/communication-identity";
import { PublicClientApplication } from "@azure/msal-node";
import { decodeJwt } from "jose";
import { afterEach, describe, expect, it } from "vitest";
import { startSandbox, type RunningSandbox } from "../../harness/index.js";
import { packageRoot, SCENARIOS_DIR } from "../../harness/sandbox/paths.js";
import { MODES, msalAuth } from "../support/modes.js";

/*
 * A support ticket's pasted az output becomes a world with `acs-sandbox import`; a sandbox started from
 * that world answers the real MSAL Node and Identity SDK as the customer's tenant did: AADSTS500011
 * while Fabrikam has no ACS service principal, and, with what Fabrikam's admin pasted after steps 7 and
 * 8, a token and an exchange that carry the ticket's own ids.
 */

const exec = promisify(execFile);
const cli = join(packageRoot(), "dist", "harness", "cli", "index.js");
const TICKET = join(SCENARIOS_DIR, "tickets", "missing-service-principal");
const AFTER_FIX = join(packageRoot(), "test", "fixtures", "tenant-import", "fabrikam-after-fix.txt");

const APP_ID = "a1a1a1a1-0000-4000-8000-00000000c0de";
const ALICE = "a11ce000-0000-4000-8000-0000000fab21";
const FABRIKAM = "fab00000-0000-4000-8000-0000000fab01";
const TEAMS_SCOPES = [
  "https://auth.msft.communication.azure.com/Teams.ManageCalls",
  "https://auth.msft.communication.azure.com/Teams.ManageChats",
];

/** Runs `acs-sandbox import … --out world.yaml` and returns the world file and what it printed. */
async function importTicket(files: string[]): Promise<{ world: string; stdout: string }> {
  const world = join(mkdtempSync(join(tmpdir(), "ticket-world-")), "world.yaml");
  const { stdout } = await exec(process.execPath, [cli, "import", ...files, "--out", world]);
  return { world, stdout };
}

function signInAlice(sb: RunningSandbox) {
  const pca = new PublicClientApplication({ auth: { clientId: APP_ID, ...msalAuth(sb, "organizations") } });
  return pca.acquireTokenByUsernamePassword({
    scopes: TEAMS_SCOPES,
    username: "alice@fabrikam.onmicrosoft.com",
    password: "Passw0rd!",
  });
}

describe.each(MODES)("a ticket's az output as a world (%s mode)", (mode) => {
  let sb: RunningSandbox | undefined;
  afterEach(async () => {
    await sb?.close();
    sb = undefined;
  });

  it("reproduces AADSTS500011: Fabrikam has no Azure Communication Services service principal", async () => {
    const { world, stdout } = await importTicket([
      join(TICKET, "contoso-app.txt"),
      join(TICKET, "fabrikam.txt"),
    ]);
    expect(stdout).toContain(
      "no service principal of Azure Communication Services (1fd5118e-2576-4263-8130-9503064c837a) in fabrikam",
    );
    expect(readFileSync(world, "utf8")).toContain("# Sandbox defaults, because the JSON cannot tell:");

    sb = await startSandbox({ mode, port: 0, world });
    const error = await signInAlice(sb).then(
      () => undefined,
      (err: { errorCode?: string; errorMessage?: string }) => err,
    );
    expect(error?.errorCode).toBe("invalid_resource");
    expect(error?.errorMessage).toContain(
      "AADSTS500011: The resource principal named https://auth.msft.communication.azure.com was not found in the tenant named Fabrikam.",
    );
  });

  it("after steps 7 and 8 (pasted, TENANT=FILE), the sign-in and exchange carry the ticket's ids", async () => {
    const { world } = await importTicket([
      join(TICKET, "contoso-app.txt"),
      join(TICKET, "fabrikam.txt"),
      `fabrikam=${AFTER_FIX}`,
    ]);
    sb = await startSandbox({ mode, port: 0, world });
    const result = await signInAlice(sb);
    const claims = decodeJwt(result!.accessToken);
    expect(claims).toMatchObject({ tid: FABRIKAM, oid: ALICE, appid: APP_ID });

    const identity = new CommunicationIdentityClient(sb.descriptor.acs[0]!.connectionString);
    const teams = await identity.getTokenForTeamsUser({
      teamsUserAadToken: result!.accessToken,
      clientId: APP_ID,
      userObjectId: ALICE,
    });
    expect(decodeJwt(teams.token)).toMatchObject({ skypeid: `orgid:${ALICE}`, aad_appid: APP_ID });
  });
});

describe("acs-sandbox import and export-graph on bad input", () => {
  const failure = (args: string[]) =>
    exec(process.execPath, [cli, ...args]).then(
      () => ({ code: 0, stderr: "" }),
      (err: { code: number; stderr: string }) => err,
    );

  it.each([
    [
      "free text",
      ["import", join(packageRoot(), "README.md")],
      /^acs-sandbox: .*README\.md:3: expected JSON as the Azure CLI or Microsoft Graph prints it/,
    ],
    [
      "an object that is not a directory object",
      ["import", join(packageRoot(), "test", "fixtures", "tenant-import", "not-graph.txt")],
      /^acs-sandbox: .*not-graph\.txt:2: expected an application, service principal, oauth2PermissionGrant, appRoleAssignment, user or organization .* found an object with keys id, location, name$/,
    ],
    [
      "a missing file",
      ["import", "no-such-paste.json"],
      /^acs-sandbox: The pasted JSON file ".*no-such-paste\.json" does not exist/,
    ],
    [
      "a bad tenant name",
      ["import", "--tenant-name", "fab rikam", AFTER_FIX],
      /^acs-sandbox: --tenant-name "fab rikam": expected NAME/,
    ],
    [
      "an unknown tenant",
      ["export-graph", "--tenant", "northwind"],
      /^acs-sandbox: no tenant "northwind" in the world: expected one of contoso, fabrikam$/,
    ],
  ])("%s: one line, exit code 1", async (_what, args, message) => {
    const { code, stderr } = await failure(args);
    expect(code).toBe(1);
    expect(stderr.trimEnd().split("\n")).toHaveLength(1);
    expect(stderr.trimEnd()).toMatch(message);
  });

  it("export-graph prints Graph's answers under the az rest commands that ask for them; import reads them back", async () => {
    const { stdout } = await exec(process.execPath, [cli, "export-graph", "--tenant", "fabrikam"]);
    const [command, ...rest] = stdout.split("\n");
    expect(command).toBe("$ az rest --url 'https://graph.microsoft.com/v1.0/organization'");
    const body = rest.join("\n");
    const first = JSON.parse(body.slice(0, body.indexOf("\n}\n") + 2)) as Record<string, unknown>;
    expect(first).toMatchObject({
      "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#organization",
      value: [{ displayName: "Fabrikam", verifiedDomains: [{ name: "fabrikam.onmicrosoft.com" }] }],
    });

    const dir = mkdtempSync(join(tmpdir(), "export-graph-"));
    writeFileSync(join(dir, "fabrikam.txt"), stdout);
    const { stdout: report } = await exec(
      process.execPath,
      [cli, "import", "fabrikam.txt", "--out", "world.yaml"],
      { cwd: dir },
    );
    expect(report).toContain("fabrikam/admin holds Global Administrator");
    expect(report).toMatch(
      /service principal "Microsoft Graph" \(appId 00000003-0000-0000-c000-000000000000\) in fabrikam \(every tenant has it\)/,
    );
    const world = readFileSync(join(dir, "world.yaml"), "utf8");
    expect(world).toContain(
      "servicePrincipals:\n      - acs\n      - contoso-teams\n      - contoso-phone\n",
    );
  });
});

describe("docs/admin-tools.md: from a customer's tenant to a world", () => {
  it("prints what the documentation shows for the ticket's files", async () => {
    const docs = readFileSync(join(packageRoot(), "docs", "admin-tools.md"), "utf8");
    const command = "$ npx acs-sandbox import contoso-app.txt fabrikam.txt --out fabrikam-ticket.yaml";
    const start = docs.indexOf("```console\n" + command + "\n");
    expect(start, "the console block of the import").toBeGreaterThanOrEqual(0);
    const body = docs.slice(start + "```console\n".length + command.length + 1);
    const lines = body.slice(0, body.indexOf("```")).trimEnd().split("\n");

    const dir = mkdtempSync(join(tmpdir(), "docs-ticket-"));
    for (const file of ["contoso-app.txt", "fabrikam.txt"]) copyFileSync(join(TICKET, file), join(dir, file));
    const { stdout } = await exec(process.execPath, [cli, ...command.split(" ").slice(3)], { cwd: dir });
    // Every documented line, in order; `…` stands for lines the documentation leaves out.
    let at = 0;
    for (const line of lines.filter((l) => l.trim() !== "…")) {
      const found = stdout.indexOf(line, at);
      expect(found, `"${line}" after offset ${at} in:\n${stdout}`).toBeGreaterThanOrEqual(0);
      at = found + line.length;
    }
    expect(readFileSync(join(dir, "fabrikam-ticket.yaml"), "utf8")).toContain("extends: empty");
  });
});
