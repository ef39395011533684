import type { Sandbox } from "../sandbox/sandbox.js";

/*
 * The sandbox behind a running one, for the harness's own transports (`sandboxHandlers(sb)`) and the
 * runner. Kept under a symbol the package does not export, so the public type `RunningSandbox` shows
 * no internals; a symbol rather than a WeakMap so it survives the proxy `suiteSandbox()` hands out.
 */
const SANDBOX = Symbol("acs-sandbox.sandbox");

/** Attaches its sandbox to a running sandbox's public object, out of sight of its type. */
export function withSandbox<T extends object>(running: T, sandbox: Sandbox): T {
  Object.defineProperty(running, SANDBOX, { value: sandbox, enumerable: false });
  return running;
}

/** The sandbox behind a running sandbox that `startSandbox()` made, or undefined for anything else. */
export function sandboxOf(running: object): Sandbox | undefined {
  return (running as { [SANDBOX]?: Sandbox })[SANDBOX];
}
