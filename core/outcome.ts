import type { FastifyRequest } from "fastify";

declare module "fastify" {
  interface FastifyRequest {
    /** The catalogued error a mock answered with, for the request journal and reporters. */
    sandboxOutcome?: string;
    /** A failure of the sandbox itself while answering (a bug), for the journal and the debug log. */
    sandboxError?: { message: string; stack?: string };
  }
}

/** Notes which catalogued error a request ended in (`AADSTS50126`, `InvalidAccessToken`). */
export function recordOutcome(request: FastifyRequest, code: string): void {
  request.sandboxOutcome = code;
}

/**
 * Notes that answering a request failed through no fault of the client: the answer is a 500 in the
 * owning service's shape, and the journal keeps the message and stack so the failure can be reported.
 */
export function recordServerError(request: FastifyRequest, error: unknown): void {
  const failure = error instanceof Error ? error : new Error(String(error));
  request.sandboxError = { message: failure.message, ...(failure.stack ? { stack: failure.stack } : {}) };
}
