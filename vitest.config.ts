import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { defineConfig } from "vitest/config";
import { tlsMaterial } from "./harness/sandbox/ca.js";

// Server-mode tests talk HTTPS to sandboxes whose leaf certificates this CA signs. Node reads
// NODE_EXTRA_CA_CERTS only at start-up, so the CA is made here, before the test workers are forked.
const caDir = join(tmpdir(), "acs-sandbox-test-ca");
const { caCertPath } = await tlsMaterial(caDir);
process.env.ACS_SANDBOX_CA_DIR = caDir;
process.env.NODE_EXTRA_CA_CERTS = caCertPath;
// MSAL waits the announced interval between device code polls; Entra's 5 s would idle the suite. Whole
// seconds, so clients in any language parse it. Sandboxes in test workers and their `serve` children read it.
process.env.ACS_SANDBOX_DEVICE_CODE_INTERVAL ??= "1s";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Each file gets its own process so msw interception in one file never reaches another.
    pool: "forks",
    // vitest's default (one fewer than the cores) leaves a 2-core machine one worker, while most tests
    // spend their time waiting on HTTP round trips and child processes rather than on the CPU.
    maxWorkers: Math.max(3, availableParallelism()),
  },
});
