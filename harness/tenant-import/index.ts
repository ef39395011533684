import { existsSync } from "node:fs";
import { relative, resolve } from "node:path";
import { readUserFile } from "../sandbox/user-file.js";
import { importTenant, type ImportOptions, type ImportResult, type ImportSource } from "./to-world.js";

/*
 * From a customer's tenant to a world: pasted `az ad …` / Graph JSON in, a world document out
 * (to-world.ts), and the reverse, a world's directory as the Graph service answers for it (export-graph.ts).
 */

export { importTenant, ImportError, worldName } from "./to-world.js";
export type { ImportOptions, ImportResult, ImportSource } from "./to-world.js";
export { PasteError } from "./paste.js";
export { renderWorldFile } from "./world-file.js";

/**
 * A file named on the command line or in a world's `import:` list: `FILE`, or `TENANT=FILE` for a file
 * taken from that tenant (a file whose own name holds `=` is taken as it is).
 */
export function parseSourceSpec(spec: string, baseDir: string): { file: string; tenant?: string } {
  const literal = resolve(baseDir, spec);
  const eq = spec.indexOf("=");
  if (eq > 0 && !existsSync(literal)) {
    return { tenant: spec.slice(0, eq), file: resolve(baseDir, spec.slice(eq + 1)) };
  }
  return { file: literal };
}

/** Reads the files (`FILE` or `TENANT=FILE`, relative to `baseDir`) and imports them. */
export function importFiles(
  specs: string[],
  options: ImportOptions = {},
  baseDir = process.cwd(),
): ImportResult {
  const sources: ImportSource[] = specs.map((spec) => {
    const { file, tenant } = parseSourceSpec(spec, baseDir);
    // Messages name the file as a person would find it from where they stand.
    const near = relative(process.cwd(), file);
    const shown = near && !near.startsWith("..") ? near : file;
    return { file: shown, tenant, text: readUserFile(file, "pasted JSON file") };
  });
  return importTenant(sources, options);
}
