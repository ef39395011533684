import type { FastifyRequest } from "fastify";

declare module "fastify" {
  interface FastifyRequest {
    /** The catalogued error a mock answered with, for the request journal and reporters. */
    sandboxOutcome?: string;
    /**
     * Which check refused the request (`stale-date`, `signature-mismatch`, `token-expired`), where the
     * service answers every refusal alike: for the journal and the inspector, never for the wire.
     */
    sandboxReason?: string;
    /** What the sandbox would tell the caller beyond Azure's own answer (the journal and a response header carry it). */
    sandboxHint?: string;
    /** A failure of the sandbox itself while answering (a bug), for the journal and the debug log. */
    sandboxError?: { message: string; stack?: string };
  }
}

/** Notes which catalogued error a request ended in (`AADSTS50126`, `InvalidAccessToken`). */
export function recordOutcome(request: FastifyRequest, code: string): void {
  request.sandboxOutcome = code;
}

/**
 * Notes why a refusal happened when the answer cannot say (ACS answers any failed HMAC or bearer check
 * with the same 401 Denied); the journal entry carries it as `reason`, the wire never does.
 */
export function recordReason(request: FastifyRequest, reason: string): void {
  request.sandboxReason = reason;
}

/**
 * Notes advice for the caller that Azure's answer does not give (supported api-versions, `--loose`),
 * kept out of the answer's body so the body stays what Azure sends.
 */
export function recordHint(request: FastifyRequest, hint: string): void {
  request.sandboxHint = hint;
}

/**
 * Notes that answering a request failed through no fault of the client: the answer is a 500 in the
 * owning service's shape, and the journal keeps the message and stack so the failure can be reported.
 */
export function recordServerError(request: FastifyRequest, error: unknown): void {
  const failure = error instanceof Error ? error : new Error(String(error));
  request.sandboxError = { message: failure.message, ...(failure.stack ? { stack: failure.stack } : {}) };
}
