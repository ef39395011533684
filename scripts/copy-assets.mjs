// Copies the non-TypeScript files the compiled code reads at run time (the default world) into dist/.
import { cpSync, mkdirSync } from "node:fs";

mkdirSync("dist/harness/sandbox", { recursive: true });
cpSync("harness/sandbox/default-world.yaml", "dist/harness/sandbox/default-world.yaml");
