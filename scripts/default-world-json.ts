// Run by scripts/build.mjs: writes dist/harness/sandbox/default-world.json, the default world parsed
// from its YAML and validated, with the YAML's hash. The built sandbox starts from it instead of parsing
// and validating the YAML on every start (harness/sandbox/world.ts, builtDefaultWorld), as long as the
// YAML beside it is the one it was made from.
import { readFileSync, writeFileSync } from "node:fs";
import {
  defaultWorld,
  defaultWorldInput,
  yamlSha256,
  type BuiltDefaultWorld,
} from "../harness/sandbox/world.js";

const [yamlPath, outPath] = process.argv.slice(2);
if (!yamlPath || !outPath) throw new Error("usage: default-world-json.ts YAML_PATH OUT_PATH");
const built: BuiltDefaultWorld = {
  yamlSha256: yamlSha256(readFileSync(yamlPath)),
  input: defaultWorldInput(),
  document: defaultWorld().document,
};
writeFileSync(outPath, JSON.stringify(built));
