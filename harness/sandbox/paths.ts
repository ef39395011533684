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

export const SCENARIOS_DIR = join(packageRoot(), "scenarios");
