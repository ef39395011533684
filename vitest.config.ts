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
 * Files that must have a worker process of their own: they change process-wide state (the environment,
 * fake timers) or depend on state a client SDK fixes once per process (msal-node chooses its managed
 * identity source on first use). Every other file shares a worker process with the files before it, so
 * it does not pay again for importing the mocks and the SDKs (about 1.5 s of CPU per file, half the
 * suite's CPU when every file had its own). Sharing is safe because files in one worker run one after
 * another, a closed sandbox never answers again (one the pool keeps for the worker's next test is reset
 * first), and intercept mode takes msw's patches off when a file's last sandbox closes
 * (harness/transports/pool.ts, intercept.ts).
 */
const ISOLATED = [
  "test/third-party/credentials-mi-*.test.ts",
  "test/third-party/entra-fake-timers.test.ts",
  "test/third-party/acs-access-{entra-users,teams-extension}.test.ts",
  "test/readme/clients.test.ts",
];

/**
 * When the suite runs again on PostgreSQL (`npm run test:postgres`, ACS_SANDBOX_TEST_STORE), the files
 * that never open a store in the test process: the containers keep their own state, and test/team starts
 * PostgreSQL clusters of its own. They ran in the first pass; a second one would prove nothing new.
 */
const NO_STORE_OF_THIS_PROCESS = process.env.ACS_SANDBOX_TEST_STORE
  ? ["test/container/**", "test/team/**", "test/harness/testcontainers-*.test.ts"]
  : [];

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
        test: { name: "isolated", include: ISOLATED, exclude: NO_STORE_OF_THIS_PROCESS, isolate: true },
      },
      {
        extends: true,
        test: {
          name: "shared-process",
          include: ["test/**/*.test.ts"],
          exclude: [...ISOLATED, ...NO_STORE_OF_THIS_PROCESS],
          isolate: false,
        },
      },
    ],
  },
});
