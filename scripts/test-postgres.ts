// `npm run test:postgres`: the whole vitest suite again, every sandbox on a throwaway PostgreSQL
// cluster (each with a schema of its own, via ACS_SANDBOX_TEST_STORE), so the team sandbox's store is
// held to everything the embedded one is. The cluster is Debian's postgresql (test/support/postgres.ts;
// .ci/run installs it) and is removed afterwards, whatever the outcome.
import { spawnSync } from "node:child_process";
import process from "node:process";
import { startTestPostgres } from "../test/support/postgres.js";

const pg = await startTestPostgres();
let status = 1;
try {
  console.log(`test-postgres: vitest with every sandbox on ${pg.url}`);
  // vitest.config.ts leaves out the files that never open a store in the test process.
  const run = spawnSync("npx", ["vitest", "run"], {
    stdio: "inherit",
    env: { ...process.env, ACS_SANDBOX_TEST_STORE: pg.url },
  });
  status = run.status ?? 1;
} finally {
  pg.destroy();
}
process.exit(status);
