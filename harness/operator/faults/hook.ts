import type { FastifyReply, FastifyRequest } from "fastify";
import type { Clock } from "../../../core/clock.js";
import type { Scheduler } from "../../../core/scheduler.js";
import { DROP_MARKER } from "./drop-marker.js";
import type { FaultInjector } from "./injector.js";
import { clientOf, requestKind } from "./operations.js";
import { sendFaultStatus } from "./responses.js";
import type { FaultMark } from "./rules.js";

declare module "fastify" {
  interface FastifyRequest {
    /** The fault rule that changed this request's answer, for the journal. */
    sandboxFault?: FaultMark;
  }
}

export interface FaultHookOptions {
  faults: FaultInjector;
  scheduler: Scheduler;
  clock: Clock;
  /** `socket`: a real listener, whose connection can be destroyed; `inject`: in-process answers. */
  transport: () => "socket" | "inject";
  /** Called for answers that never reach onResponse (a destroyed connection). */
  onDropped: (request: FastifyRequest) => void;
}

function pathOf(url: string): string {
  const q = url.indexOf("?");
  return q === -1 ? url : url.slice(0, q);
}

/**
 * The one place fault rules act: a hook that runs after the body is parsed (a rule may name the client
 * id the body carries) and before any route of either mock answers.
 */
export function faultHook(options: FaultHookOptions) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    if (!options.faults.active) return;
    const kind = requestKind(request);
    if (kind.service === "admin") return;
    const decision = await options.faults.decide({
      ...kind,
      method: request.method,
      path: pathOf(request.url),
      clientId: clientOf(request),
    });
    if (!decision) return;
    const { rule, delayMs } = decision;
    request.sandboxFault = { id: rule.id, kind: rule.kind };
    switch (rule.kind) {
      case "latency":
        await options.scheduler.delay(delayMs);
        return;
      case "status":
        await sendFaultStatus(request, reply, {
          service: kind.service,
          status: rule.status!,
          retryAfter: rule.retryAfter,
          clock: options.clock,
        });
        return;
      case "timeout":
        reply.hijack();
        await options.scheduler.delay(delayMs);
        drop(request, reply, options);
        return;
      case "drop":
        reply.hijack();
        drop(request, reply, options);
        return;
    }
  };
}

function drop(request: FastifyRequest, reply: FastifyReply, options: FaultHookOptions): void {
  options.onDropped(request);
  if (options.transport() === "socket") {
    request.raw.socket.destroy();
    return;
  }
  reply.raw.writeHead(502, { [DROP_MARKER]: "1" });
  reply.raw.end();
}
