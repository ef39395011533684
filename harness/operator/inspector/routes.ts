import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { FastifyInstance } from "fastify";
import { filterFromQuery } from "../journal-query.js";
import { SCENARIOS_DIR } from "../../sandbox/paths.js";
import type { OperatedSandbox } from "../operated-sandbox.js";
import { inspectorPage } from "./page.js";
import { inspectorScript } from "./script.js";
import { trafficView } from "./traffic.js";
import { worldView } from "./world-view.js";

/**
 * The inspector under `/_sandbox/`: the page itself at `/_sandbox/`, and the JSON it reads at
 * `/_sandbox/inspector/traffic`, `/_sandbox/inspector/world` and `/_sandbox/inspector/scenarios/:name`.
 */
export function inspectorRoutes(app: FastifyInstance, sandbox: OperatedSandbox): void {
  app.get("/", async (_request, reply) =>
    reply
      .type("text/html; charset=utf-8")
      // The page runs only its own inline script and talks only to its own origin.
      .header(
        "content-security-policy",
        "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; img-src 'self' data:; form-action 'none'; frame-ancestors 'none'",
      )
      .send(inspectorPage(await inspectorScript())),
  );

  app.get("/inspector/traffic", async (request, reply) => {
    try {
      const filter = filterFromQuery((request.query ?? {}) as Record<string, unknown>);
      const journal = await sandbox.journal.entries();
      return {
        now: sandbox.clock.now().toISOString(),
        entries: trafficView(journal, filter, sandbox.clock.nowMs(), sandbox.signingKeyIds),
      };
    } catch (err) {
      return reply.code(400).send({ error: "invalid_filter", message: (err as Error).message });
    }
  });

  app.get("/inspector/world", async (request) => {
    const identities = new Map(
      await Promise.all(
        sandbox.world.resources.map(
          async (r) => [r.resourceId, await sandbox.identitiesOf(r.resourceId)] as const,
        ),
      ),
    );
    return worldView(sandbox.world, sandbox.descriptorFor(request), (id) => identities.get(id) ?? []);
  });

  app.get<{ Params: { name: string } }>("/inspector/scenarios/:name", async (request, reply) => {
    const { name } = request.params;
    const file = join(SCENARIOS_DIR, `${name}.yaml`);
    if (!/^[\w-]+$/.test(name) || !existsSync(file))
      return reply.code(404).send({ error: "not_found", message: `No bundled scenario "${name}"` });
    return { name, run: `npx acs-sandbox run ${name}`, yaml: readFileSync(file, "utf8") };
  });
}
