import type { FastifyRequest } from "fastify";

declare module "fastify" {
  interface FastifyRequest {
    /** The catalogued error a mock answered with, for the request journal and reporters. */
    sandboxOutcome?: string;
  }
}

/** Notes which catalogued error a request ended in (`AADSTS50126`, `InvalidAccessToken`). */
export function recordOutcome(request: FastifyRequest, code: string): void {
  request.sandboxOutcome = code;
}
