import type { FastifyInstance, FastifyReply } from "fastify";
import type { Journal } from "./journal.js";
import { filterFromQuery, queryJournal, type RequestFilter } from "./journal-query.js";

/**
 * `GET /_sandbox/requests?service=&operation=&method=&path=&status=&code=&client=&fault=&body=` lists the
 * matching journal entries (oldest first); `GET /_sandbox/requests/count?…` answers `{ count }`.
 */
export function journalRoutes(app: FastifyInstance, journal: Journal): void {
  const withFilter = (query: unknown, reply: FastifyReply, answer: (filter: RequestFilter) => unknown) => {
    let filter: RequestFilter;
    try {
      filter = filterFromQuery((query ?? {}) as Record<string, unknown>);
    } catch (err) {
      return reply.code(400).send({ error: "invalid_filter", message: (err as Error).message });
    }
    return answer(filter);
  };

  app.get("/requests", async (request, reply) => {
    const entries = await journal.entries();
    return withFilter(request.query, reply, (filter) => ({ requests: queryJournal(entries, filter) }));
  });

  app.get("/requests/count", async (request, reply) => {
    const entries = await journal.entries();
    return withFilter(request.query, reply, (filter) => ({ count: queryJournal(entries, filter).length }));
  });
}
