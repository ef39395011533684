import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { faultRoutes } from "./faults/admin-routes.js";
import { inspectorRoutes } from "./inspector/routes.js";
import { journalRoutes } from "./journal-routes.js";
import { operationRoutes } from "./operation-routes.js";
import { parse as parseYaml } from "yaml";
import { workloadIssuerRoutes } from "../external/workload-issuer.js";
import { parseWorld, WorldError } from "../sandbox/world.js";
import type { OperatedSandbox } from "./operated-sandbox.js";
import type { ExplicitDuration } from "../../core/duration.js";

/** Far deeper than any world; deeper documents are refused before anything walks them recursively. */
const MAX_WORLD_DEPTH = 64;

/** How deeply `value` nests, counted without recursion and given up past `limit`. */
function nestingDepth(value: unknown, limit: number): number {
  let deepest = 0;
  const pending: [unknown, number][] = [[value, 0]];
  while (pending.length > 0) {
    const [node, depth] = pending.pop()!;
    if (node === null || typeof node !== "object") continue;
    deepest = Math.max(deepest, depth + 1);
    if (deepest > limit) return deepest;
    for (const child of Object.values(node)) pending.push([child, depth + 1]);
  }
  return deepest;
}

function invalidWorld(message: string) {
  return { error: "invalid_world", message, issues: [] };
}

/** A refused world, with every bad path (`issues`), in the admin API's error shape. */
function worldRefusal(err: WorldError) {
  return { error: "invalid_world", message: err.message, issues: err.issues };
}

/**
 * The admin API under `/_sandbox/`: descriptor, world (GET/PUT/PATCH), clock, reset, request journal,
 * operations, health. It shares the port with the mocks so one address is all a container needs to expose.
 */
export function adminRoutes(sandbox: OperatedSandbox) {
  return async function adminScope(app: FastifyInstance) {
    // Worlds are YAML files first: `PUT /_sandbox/world` takes them as written (the guard admits YAML there only).
    app.addContentTypeParser(
      ["application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml"],
      { parseAs: "string" },
      (_request, text, done) => {
        try {
          done(null, parseYaml(text as string, { maxAliasCount: 100 }) ?? {});
        } catch (err) {
          const message = (err as Error).message;
          const reason = /call stack/i.test(message) ? "it nests too deeply" : message;
          done(Object.assign(new Error(`The YAML world could not be read: ${reason}`), { statusCode: 400 }));
        }
      },
    );

    // `PATCH /_sandbox/world` takes a JSON merge patch (RFC 7396) under its own media type too.
    app.addContentTypeParser(
      "application/merge-patch+json",
      { parseAs: "string" },
      app.getDefaultJsonParser("error", "error"),
    );

    // Load balancers and readiness probes ask here: 503 with the reason while the store is unreachable.
    app.get("/health", async (_request, reply) => {
      const problem = await sandbox.storeProblem();
      if (problem !== undefined) {
        return reply.code(503).send({ status: "unavailable", store: sandbox.store.kind, reason: problem });
      }
      return { status: "ok", store: sandbox.store.kind };
    });

    app.get("/descriptor", async (request) => sandbox.descriptorFor(request));

    app.get("/world", async () => sandbox.world.document);

    /**
     * A change to the running world from a request body: refused whole, in the world's error shape,
     * when it nests absurdly deep or does not validate; answered with the new world once it is kept.
     */
    const worldChange =
      (what: "world" | "patch", change: (body: unknown) => unknown) =>
      async (request: FastifyRequest, reply: FastifyReply) => {
        if (nestingDepth(request.body, MAX_WORLD_DEPTH) > MAX_WORLD_DEPTH) {
          return reply
            .code(400)
            .send(
              invalidWorld(
                `The ${what} nests deeper than ${MAX_WORLD_DEPTH} levels; no world needs that many.`,
              ),
            );
        }
        try {
          const document = change(request.body);
          await sandbox.persisted();
          return document;
        } catch (err) {
          if (err instanceof WorldError) return reply.code(400).send(worldRefusal(err));
          throw err;
        }
      };

    app.put(
      "/world",
      worldChange("world", (body) => {
        sandbox.replaceWorld(parseWorld(body, "PUT /_sandbox/world"));
        return sandbox.world.document;
      }),
    );

    // A JSON merge patch over the running world: what `sb.editWorld(patch)` does in-process.
    app.patch(
      "/world",
      worldChange("patch", (body) => sandbox.editWorld(body ?? null, "PATCH /_sandbox/world")),
    );

    app.get("/clock", async () => ({ now: sandbox.clock.now().toISOString() }));

    app.post("/clock", async (request, reply) => {
      const body = (request.body ?? {}) as { advance?: unknown; set?: unknown };
      try {
        // The clock checks the duration: a string with units, {"seconds":n} or {"ms":n}; a bare number
        // is refused with a sentence, since it meant milliseconds here before it meant seconds in files.
        if (body.advance !== undefined && body.advance !== null)
          sandbox.clock.advance(body.advance as ExplicitDuration);
        else if (typeof body.set === "string") sandbox.clock.set(body.set);
        else {
          return reply.code(400).send({
            error: "invalid_request",
            message:
              'Expected {"advance":"25h"} (or {"advance":{"seconds":90}}) or {"set":"2030-01-01T00:00:00Z"}',
          });
        }
      } catch (err) {
        return reply.code(400).send({ error: "invalid_request", message: (err as Error).message });
      }
      await sandbox.persisted();
      return { now: sandbox.clock.now().toISOString() };
    });

    app.post("/reset", async () => {
      await sandbox.reset();
      await sandbox.persisted();
      return { status: "reset", now: sandbox.clock.now().toISOString() };
    });

    workloadIssuerRoutes(app, sandbox.workloadIssuer, (request) => sandbox.originOf(request));
    journalRoutes(app, sandbox.journal);
    operationRoutes(app);
    faultRoutes(app, sandbox.faults, () => sandbox.persisted());
    inspectorRoutes(app, sandbox);
  };
}
