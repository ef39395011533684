import type { FastifyInstance } from "fastify";
import { FaultRuleError, type FaultInjector } from "./injector.js";

/**
 * `/_sandbox/faults`: list the rules (GET), add one (POST, a rule object), remove one (DELETE
 * /faults/:id) or all (DELETE /faults). Bad rules get a 400 naming the field, like the other admin routes.
 */
export function faultRoutes(
  app: FastifyInstance,
  faults: FaultInjector,
  persisted: () => Promise<void> = async () => {},
): void {
  app.get("/faults", async () => ({ faults: await faults.listCounted() }));

  app.post("/faults", async (request, reply) => {
    try {
      const rule = faults.add(request.body ?? {});
      // Every replica applies the rule from the store: it is there before the answer says so.
      await persisted();
      return reply.code(201).send(rule);
    } catch (err) {
      if (err instanceof FaultRuleError)
        return reply.code(400).send({ error: "invalid_fault", message: err.message });
      throw err;
    }
  });

  app.delete("/faults", async () => {
    const removed = faults.list().length;
    faults.clear();
    await persisted();
    return { removed };
  });

  app.delete<{ Params: { id: string } }>("/faults/:id", async (request, reply) => {
    if (faults.remove(request.params.id)) {
      await persisted();
      return { removed: 1 };
    }
    return reply.code(404).send({
      error: "not_found",
      message: `No fault rule "${request.params.id}"; GET /_sandbox/faults lists them`,
    });
  });
}
