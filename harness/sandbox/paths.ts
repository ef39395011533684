import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** The package's root folder, from the source tree (tests) or from `dist/` (the built CLI) alike. */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, "package.json"))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error("acs-sandbox: package.json not found above " + import.meta.url);
    dir = parent;
  }
  return dir;
}

/**
 * A file the package reads at run time, by its path in the sources (`harness/sandbox/default-world.yaml`):
 * there in the source tree (tests), under `dist/` once built. Never relative to `import.meta.url`: in the
 * build, code lives in shared chunks (scripts/build.mjs), not beside the files it reads.
 */
export function shippedFile(sourcePath: string): string {
  const fromSources = import.meta.url.endsWith(".ts");
  return join(packageRoot(), ...(fromSources ? [] : ["dist"]), sourcePath);
}

export const SCENARIOS_DIR = join(packageRoot(), "scenarios");
