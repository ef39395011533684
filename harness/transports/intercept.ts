import { setupServer } from "msw/node";
import { sandboxHandlers } from "./msw.js";
import type { Sandbox } from "../sandbox/sandbox.js";

/*
 * Intercept mode shares one msw server per process (msw patches the process's HTTP modules once). The
 * sandboxes that are open form a stack: the newest answers, and closing it hands the hosts back to the
 * one before. A closed sandbox never answers again, so state cannot bleed from one test to the next.
 */
const active: Sandbox[] = [];
let server: ReturnType<typeof setupServer> | undefined;

export function attachInterception(sandbox: Sandbox): void {
  if (!server) {
    const created = setupServer(...sandboxHandlers(() => active.at(-1)));
    created.listen({ onUnhandledRequest: "bypass" });
    server = created;
  }
  active.push(sandbox);
}

export function detachInterception(sandbox: Sandbox): void {
  const index = active.indexOf(sandbox);
  if (index >= 0) active.splice(index, 1);
  if (active.length === 0 && server) {
    server.close();
    server = undefined;
  }
}
