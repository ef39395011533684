import { join } from "node:path";
import { defaultCaDir } from "../../harness/sandbox/ca.js";
import { Sandbox, type SandboxCoreOptions } from "../../harness/sandbox/sandbox.js";
import { defaultWorld, type World } from "../../harness/sandbox/world.js";

/*
 * A sandbox built from its parts, for the few tests that must reach its fastify app directly: bad-input
 * sweeps that send what no client library would, requests with a forged Host, a plugin that fails on
 * purpose. Everything else uses `startSandbox()`'s public object. No transport is attached, so nothing
 * is intercepted and nothing listens: requests go through `app.inject()` only.
 */
export async function buildSandbox(
  options: Partial<Omit<SandboxCoreOptions, "world">> & { world?: World } = {},
): Promise<Sandbox> {
  return Sandbox.create({
    mode: "handlers",
    // The keys `startSandbox()` keeps beside the CA: no RSA key generation per test.
    keysDir: join(defaultCaDir(), "signing-keys"),
    ...options,
    world: options.world ?? defaultWorld(),
  });
}
