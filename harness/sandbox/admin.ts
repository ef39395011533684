import type { FastifyInstance } from "fastify";
import { faultRoutes } from "./faults/admin-routes.js";
import { inspectorRoutes } from "./inspector/routes.js";
import { journalRoutes } from "./journal-routes.js";
import type { Sandbox } from "./sandbox.js";
import { workloadIssuerRoutes } from "./workload-issuer.js";
import { parseWorld, WorldError } from "./world.js";

/**
 * The admin API under `/_sandbox/`: descriptor, world (GET/PUT), clock, reset, request journal, health.
 * It shares the port with the mocks so one address is all a container needs to expose.
 */
export function adminRoutes(sandbox: Sandbox) {
  return async (app: FastifyInstance) => {
    app.get("/health", async () => ({ status: "ok" }));

    app.get("/descriptor", async (request) => sandbox.descriptorFor(request));

    app.get("/world", async () => sandbox.world.document);

    app.put("/world", async (request, reply) => {
      try {
        sandbox.replaceWorld(parseWorld(request.body, "PUT /_sandbox/world"));
        return sandbox.world.document;
      } catch (err) {
        if (err instanceof WorldError) {
          return reply.code(400).send({ error: "invalid_world", message: err.message, issues: err.issues });
        }
        throw err;
      }
    });

    app.get("/clock", async () => ({ now: sandbox.clock.now().toISOString() }));

    app.post("/clock", async (request, reply) => {
      const body = (request.body ?? {}) as { advance?: unknown; set?: unknown };
      try {
        if (typeof body.advance === "string" || typeof body.advance === "number")
          sandbox.clock.advance(body.advance);
        else if (typeof body.set === "string") sandbox.clock.set(body.set);
        else {
          return reply.code(400).send({
            error: "invalid_request",
            message: 'Expected {"advance":"25h"} or {"set":"2030-01-01T00:00:00Z"}',
          });
        }
      } catch (err) {
        return reply.code(400).send({ error: "invalid_request", message: (err as Error).message });
      }
      return { now: sandbox.clock.now().toISOString() };
    });

    app.post("/reset", async () => {
      await sandbox.reset();
      return { status: "reset", now: sandbox.clock.now().toISOString() };
    });

    workloadIssuerRoutes(app, sandbox.workloadIssuer, (request) => sandbox.originOf(request));
    journalRoutes(app, sandbox.journal);
    faultRoutes(app, sandbox.faults);
    inspectorRoutes(app, sandbox);
  };
}
