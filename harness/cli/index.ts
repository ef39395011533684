#!/usr/bin/env node
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Command } from "commander";
import { exitInOneLine, runProgram } from "./program.js";

/*
 * Each command lives in its own module and is imported only when it runs, so `serve` never loads the
 * runner, msw, the client SDKs or the reporters. Without a known command (`--help`, a typo) every
 * command module is loaded to build the help text; each module keeps its heavy imports inside its action.
 */
const COMMANDS: Record<string, () => Promise<Command>> = {
  serve: async () => (await import("./serve.js")).serveCommand(),
  run: async () => (await import("./run.js")).runCommand(),
  list: async () => (await import("./list.js")).listCommand(),
  explain: async () => (await import("./explain.js")).explainCommand(),
  import: async () => (await import("./import.js")).importCommand(),
  "export-graph": async () => (await import("./import.js")).exportGraphCommand(),
};

/**
 * `serve` from its CommonJS bundle with V8's code cache (code-cache.ts), when the package is built; from
 * the sources (tests run them with tsx) there is no bundle and `serve` runs as the other commands do.
 */
async function serveFromBundle(argv: string[]): Promise<boolean> {
  const dir = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "cli");
  const { codeCacheDir, readManifest, runCachedBundle } = await import("./code-cache.js");
  const manifest = readManifest(join(dir, "serve.json"));
  if (!manifest) return false;
  (await import("./heap.js")).tuneHeapForServe();
  const bundle = runCachedBundle(join(dir, manifest.bundle), manifest, codeCacheDir());
  const { main } = bundle.exports as typeof import("./serve-bundle.js");
  await main(argv, { onReady: () => setImmediate(() => bundle.keep()) });
  return true;
}

try {
  if (process.argv[2] !== "serve" || !(await serveFromBundle(process.argv))) {
    await runProgram(process.argv, COMMANDS);
  }
} catch (err) {
  // A bundle that cannot be read or compiled: a damaged install.
  exitInOneLine(err);
}
