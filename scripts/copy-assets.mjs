// Copies the non-TypeScript files the compiled code reads at run time (the default world) into dist/.
import { cpSync, mkdirSync } from "node:fs";

mkdirSync("dist/harness", { recursive: true });
cpSync("harness/default-world.yaml", "dist/harness/default-world.yaml");
