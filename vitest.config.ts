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

/**
 * Files that never intercept (no in-process sandbox in intercept mode, no msw, no runner), never touch
 * process-wide state (environment, fake timers, module mocks) and so may share a worker process with the
 * next file: each would otherwise pay again for importing the mocks and SDKs (measured on 18 of them:
 * 15.9 s of CPU isolated, 7.7 s shared). A new file runs isolated until it is listed here.
 */
const SHARED_PROCESS = [
  "test/mock-aad/{catalog-coverage,errors,federation,interactions,policy,redirect-uris,tokens}.test.ts",
  "test/mock-acs/{access,api-versions,exchange,hmac,persistence,tokens,wire}.test.ts",
  "test/harness/{ca,cli-output,explain,explain-inferred,journal,role-assignments,scenario-schema}.test.ts",
  "test/harness/{serve-cli,serve-port443,world-assignments}.test.ts",
  "test/security/{serve-inputs,sweep}.test.ts",
  "test/structure/import-cycles.test.ts",
  // Sandboxes on a port or as handlers only (no msw server of the sandbox's own).
  "test/harness/{bad-input,inspector-data,sandbox,testcontainers-admin,tunnel}.test.ts",
  "test/security/{admin-api,server-errors,sign-in-flood}.test.ts",
];

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: "forks",
    // vitest's default (one fewer than the cores) leaves a 2-core machine one worker, while most tests
    // spend their time waiting on HTTP round trips and child processes rather than on the CPU.
    maxWorkers: Math.max(3, availableParallelism()),
    projects: [
      {
        extends: true,
        // Each file gets its own process so msw interception in one file never reaches another.
        test: { name: "isolated", include: ["test/**/*.test.ts"], exclude: SHARED_PROCESS, isolate: true },
      },
      { extends: true, test: { name: "shared-process", include: SHARED_PROCESS, isolate: false } },
    ],
  },
});
