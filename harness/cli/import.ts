import { writeFileSync } from "node:fs";
import { Command } from "commander";

/*
 * `import`: a customer's pasted `az ad …` / Graph JSON in, a world file out. `export-graph`: the reverse,
 * a world's directory objects as Graph JSON, which `import` reads back. Both keep their work in
 * harness/tenant-import; this module only parses arguments and prints.
 */

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** `--tenant-name NAME` (the customer's tenant) and `--tenant-name DOMAIN_OR_ID=NAME`. */
function tenantNaming(values: string[]): { customerTenant?: string; tenantNames: Record<string, string> } {
  const tenantNames: Record<string, string> = {};
  let customerTenant: string | undefined;
  for (const value of values) {
    const eq = value.lastIndexOf("=");
    const name = eq >= 0 ? value.slice(eq + 1) : value;
    if (!/^[a-z0-9][a-z0-9-]*$/i.test(name)) {
      throw new Error(
        `--tenant-name "${value}": expected NAME or DOMAIN=NAME / TENANT_ID=NAME, a name of letters, digits and -`,
      );
    }
    if (eq > 0) tenantNames[value.slice(0, eq)] = name;
    else if (customerTenant && customerTenant !== name) {
      throw new Error(`--tenant-name names the customer's tenant twice ("${customerTenant}", "${name}")`);
    } else customerTenant = name;
  }
  return { ...(customerTenant ? { customerTenant } : {}), tenantNames };
}

export function importCommand(): Command {
  return new Command("import")
    .description(
      "Make a world file from a customer's pasted `az ad app/sp/user show`, `az ad app permission list-grants` or Graph JSON",
    )
    .argument("<files...>", "pasted JSON files; TENANT=FILE says which tenant a file was taken from")
    .option("--out <file>", "write the world file here (default: print it)")
    .option(
      "--tenant-name <name>",
      "name of the customer's tenant, or DOMAIN=NAME / TENANT_ID=NAME to name a tenant found (repeatable)",
      collect,
      [],
    )
    .action(async (files: string[], opts: { out?: string; tenantName: string[] }) => {
      const { importFiles, renderWorldFile } = await import("../tenant-import/index.js");
      const { parseWorld } = await import("../sandbox/world.js");
      const result = importFiles(files, tenantNaming(opts.tenantName));
      // The import's own output must be a world the sandbox starts from; anything else is our bug.
      parseWorld(result.document, opts.out ?? "<imported world>");
      const text = renderWorldFile(result, files);
      const report = [
        "Found:",
        ...result.found.map((f) => `  ${f}`),
        "Assumed (the JSON cannot tell):",
        ...result.assumed.map((a) => `  ${a}`),
        ...(result.warnings.length > 0 ? ["Not kept:", ...result.warnings.map((w) => `  ${w}`)] : []),
      ].join("\n");
      if (opts.out) {
        writeFileSync(opts.out, text);
        process.stdout.write(`${report}\nWrote ${opts.out}: acs-sandbox serve --world ${opts.out}\n`);
      } else {
        // The world goes to stdout (to redirect into a file), what was found to stderr.
        process.stderr.write(`${report}\n`);
        process.stdout.write(text);
      }
    });
}

export function exportGraphCommand(): Command {
  return new Command("export-graph")
    .description(
      "Print a world's directory (applications, service principals, grants, users, roles) as the Microsoft Graph answers `az rest` prints",
    )
    .option("--world <file>", "a world file (default: the bundled default world)")
    .option("--scenario <name>", "a scenario file or bundled scenario name, for its world")
    .option("--tenant <name>", "only this tenant (world name, id or domain)")
    .action(async (opts: { world?: string; scenario?: string; tenant?: string }) => {
      if (opts.world && opts.scenario) throw new Error("give --world or --scenario, not both");
      const { defaultWorld, loadWorldFile } = await import("../sandbox/world.js");
      const { renderGraphDocuments, tenantAsGraph } = await import("../tenant-import/export-graph.js");
      let world;
      if (opts.world) world = loadWorldFile(opts.world);
      else if (opts.scenario) {
        const { resolveScenarioPath } = await import("../transports/start.js");
        const { loadScenario } = await import("../runner/scenario.js");
        world = loadScenario(resolveScenarioPath(opts.scenario)).world;
      } else world = defaultWorld();
      const { directory } = world;
      const key = opts.tenant?.toLowerCase();
      const tenants = key
        ? directory.tenants.filter((t) => t.name === key || t.id === key || t.domain.toLowerCase() === key)
        : directory.tenants;
      if (tenants.length === 0) {
        throw new Error(
          `no tenant "${opts.tenant}" in the world: expected one of ${directory.tenants.map((t) => t.name).join(", ")}`,
        );
      }
      process.stdout.write(renderGraphDocuments(tenants.flatMap((t) => tenantAsGraph(directory, t))));
    });
}
