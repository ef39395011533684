// Run by scripts/build.mjs after the code is bundled: the files the built package reads at run time that
// are made from its sources, each with the options and code the sources use for the same file.
// - The inspector page's script, bundled with INSPECTOR_BUILD_OPTIONS (harness/operator/inspector/script.ts
//   bundles it the same way on first use when run from sources).
// - The default world: its YAML, and beside it the world parsed and validated with the YAML's hash. The
//   built sandbox starts from that (harness/sandbox/world.ts, builtDefaultWorld) instead of parsing and
//   validating the YAML on every start, as long as the YAML beside it is the one it was made from.
import { cpSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { build } from "esbuild";
import {
  INSPECTOR_BUILD_OPTIONS,
  INSPECTOR_BUNDLE,
  INSPECTOR_ENTRY,
} from "../harness/operator/inspector/script.js";
import { packageRoot } from "../harness/sandbox/paths.js";
import {
  BUILT_DEFAULT_WORLD_PATH,
  DEFAULT_WORLD_PATH,
  defaultWorld,
  defaultWorldInput,
  yamlSha256,
  type BuiltDefaultWorld,
} from "../harness/sandbox/world.js";

/** Where a file of the sources goes in the build. */
const inDist = (sourcePath: string) => join(packageRoot(), "dist", relative(packageRoot(), sourcePath));

await build({
  ...INSPECTOR_BUILD_OPTIONS,
  entryPoints: [INSPECTOR_ENTRY],
  outfile: join("dist", INSPECTOR_BUNDLE),
  logLevel: "warning",
});

const built: BuiltDefaultWorld = {
  yamlSha256: yamlSha256(readFileSync(DEFAULT_WORLD_PATH)),
  input: defaultWorldInput(),
  document: defaultWorld().document,
};
mkdirSync(dirname(inDist(DEFAULT_WORLD_PATH)), { recursive: true });
cpSync(DEFAULT_WORLD_PATH, inDist(DEFAULT_WORLD_PATH));
writeFileSync(inDist(BUILT_DEFAULT_WORLD_PATH), JSON.stringify(built));
