import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { packageRoot } from "../../harness/sandbox/paths.js";

/** The package's own source folders, whose modules the structure tests read. */
export const SOURCE_FOLDERS = ["core", "mock-aad", "mock-acs", "harness"];

export interface ModuleImports {
  /** `import … from` and `export … from`, type imports included. */
  static: string[];
  /** `await import(…)`: loaded lazily, but a dependency all the same. */
  dynamic: string[];
}

/** Every module under the source folders (paths relative to the package root) and what it imports. */
export function moduleGraph(): Map<string, ModuleImports> {
  const root = packageRoot();
  const graph = new Map<string, ModuleImports>();
  const target = (path: string, specifier: string) =>
    relative(root, resolve(dirname(path), specifier.replace(/\.js$/, ".ts")));
  for (const folder of SOURCE_FOLDERS) {
    for (const file of readdirSync(join(root, folder), { recursive: true, encoding: "utf8" })) {
      if (!file.endsWith(".ts")) continue;
      const path = join(root, folder, file);
      const text = readFileSync(path, "utf8");
      graph.set(relative(root, path), {
        static: [...text.matchAll(/(?:import|export)\s[^;]*?from\s+"(\.[^"]+)"/g)].map((m) =>
          target(path, m[1]!),
        ),
        dynamic: [...text.matchAll(/import\(\s*"(\.[^"]+)"\s*\)/g)].map((m) => target(path, m[1]!)),
      });
    }
  }
  return graph;
}
