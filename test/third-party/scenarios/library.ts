import { readdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runScenario } from "../../../harness/runner/index.js";
import { startServerChild, type ServerChild } from "../../../harness/runner/server-child.js";
import { SCENARIOS_DIR } from "../../../harness/sandbox/paths.js";
import { describeFailure } from "../../../harness/runner/reporters/pretty.js";
import { MODES } from "../../support/modes.js";

/** Files of the library are split across this many test files, so vitest runs them side by side. */
export const SHARDS = 4;

const bundled = readdirSync(SCENARIOS_DIR)
  .filter((f) => f.endsWith(".yaml"))
  .sort();

/**
 * Plays every `SHARDS`-th bundled scenario, from `shard` (1-based), in each mode. In server mode the
 * scenarios of a part share one `acs-sandbox serve` child, reset and given each scenario's world in turn
 * (`runScenario`'s `server` option): starting a child costs about a second of CPU, playing a scenario a
 * tenth of that. `serve` starting from a scenario's world is covered by `run-server-cli.test.ts`.
 */
export function scenarioShard(shard: number): void {
  const files = bundled.filter((_, index) => index % SHARDS === shard - 1);
  describe.each(MODES)(`the bundled scenario library (part ${shard} of ${SHARDS}), %s mode`, (mode) => {
    let server: ServerChild | undefined;
    beforeAll(async () => {
      if (mode === "server") server = await startServerChild([]);
    });
    afterAll(async () => {
      await server?.stop();
    });

    it.each(files)("%s holds", async (file) => {
      const result = await runScenario(join(SCENARIOS_DIR, file), {
        mode,
        ...(server ? { server: server.descriptor.baseUrl } : {}),
      });
      expect(result.status, describeFailure(result)).toBe("passed");
    });
  });
}
