import { execFile, spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { packageRoot } from "../../harness/sandbox/paths.js";

/*
 * What a command loads decides how fast it starts: the package entry and `serve` never load msw, the
 * client SDKs, the runner's HTML and cookie parsers or the JUnit writer; with kept keys, not even the
 * certificate library.
 */

const run = promisify(execFile);
const root = packageRoot();
const TRACE = ["--import", join(root, "test", "support", "load-trace.mjs")];
const CLI = join(root, "dist", "harness", "cli", "index.js");

function loaded(stderr: string): string[] {
  return [...new Set(stderr.match(/^LOADED \S+$/gm) ?? [])].sort();
}

/** Starts `serve` under the trace, waits for its descriptor line, stops it, and returns what it loaded. */
async function serveLoads(dataDir: string): Promise<string[]> {
  const child = spawn(
    process.execPath,
    [...TRACE, CLI, "serve", "--port", "0", "--json", "--data-dir", dataDir],
    {
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  await new Promise((resolve, reject) => {
    createInterface({ input: child.stdout }).once("line", resolve);
    child.once("exit", (code) => reject(new Error(`serve exited with ${code}: ${stderr}`)));
  });
  await new Promise((resolve) => {
    child.once("exit", resolve);
    child.kill("SIGTERM");
  });
  return loaded(stderr);
}

describe("fast start", () => {
  it('import "acs-sandbox" loads none of the heavy packages', async () => {
    const { stderr } = await run(process.execPath, [
      ...TRACE,
      "--input-type=module",
      "-e",
      `await import(${JSON.stringify(join(root, "dist", "harness", "index.js"))});`,
    ]);
    expect(loaded(stderr)).toEqual([]);
  });

  it("serve makes its CA with the certificate library once, then loads none of them", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "lazy-serve-"));
    expect(await serveLoads(dataDir)).toEqual(["LOADED @peculiar/x509"]);
    expect(await serveLoads(dataDir)).toEqual([]);
  });

  it("list and explain load none of them", async () => {
    for (const args of [["list"], ["explain", "AADSTS650052"]]) {
      const { stderr } = await run(process.execPath, [...TRACE, CLI, ...args]);
      expect(loaded(stderr)).toEqual([]);
    }
  });
});
