import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { defaultWorld, yamlSha256, type BuiltDefaultWorld } from "../../harness/sandbox/world.js";

/*
 * The build parses and validates the default world once (scripts/build-assets.ts) and the built
 * sandbox starts from that copy instead of the YAML. It must be the YAML's world exactly, and a YAML
 * edited after the build must win over it. npm test builds first.
 */

const BUILT = join(process.cwd(), "dist", "harness", "sandbox");
const scratch: string[] = [];
afterAll(() => scratch.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** The names of Fabrikam's users in the default world, as the built package loads it. */
function usersOfBuiltCli(distDir: string): string {
  const script = `const { defaultWorld } = await import(${JSON.stringify(join(distDir, "harness", "index.js"))});
console.log(JSON.stringify(Object.keys(defaultWorld().document.tenants.fabrikam.users)));`;
  const run = spawnSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8" });
  expect(run.stderr).toBe("");
  return run.stdout.trim();
}

describe("the built default world", () => {
  it("is the YAML's world, validated, for the YAML it was made from", () => {
    const built = JSON.parse(readFileSync(join(BUILT, "default-world.json"), "utf8")) as BuiltDefaultWorld;
    expect(built.yamlSha256).toBe(yamlSha256(readFileSync(join(BUILT, "default-world.yaml"))));
    expect(built.yamlSha256).toBe(yamlSha256(readFileSync("harness/sandbox/default-world.yaml")));
    expect(built.document).toEqual(defaultWorld().document);
  });

  it("gives way to the YAML when the YAML changed after the build", () => {
    const copy = mkdtempSync(join(tmpdir(), "acs-built-world-"));
    scratch.push(copy);
    cpSync("dist", join(copy, "dist"), { recursive: true });
    cpSync("package.json", join(copy, "package.json"));
    symlinkSync(join(process.cwd(), "node_modules"), join(copy, "node_modules"));
    expect(usersOfBuiltCli(join(copy, "dist"))).toBe('["alice","bob","admin"]');
    const yamlPath = join(copy, "dist", "harness", "sandbox", "default-world.yaml");
    writeFileSync(
      yamlPath,
      readFileSync(yamlPath, "utf8").replace(
        "      admin: { displayName: Fabrikam admin, isAdmin: true }",
        "      admin: { displayName: Fabrikam admin, isAdmin: true }\n      erin: { displayName: Erin }",
      ),
    );
    expect(usersOfBuiltCli(join(copy, "dist"))).toBe('["alice","bob","admin","erin"]');
  });
});
