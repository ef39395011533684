import type { FastifyPluginAsync } from "fastify";
import type { AadContext } from "./context.js";

export type { AadContext } from "./context.js";

/** The fake Entra ID as a fastify plugin, plus a way to forget its transient state (codes, sessions). */
export interface MockAad {
  plugin: FastifyPluginAsync;
  reset(): void;
}

export function mockAad(_ctx: AadContext): MockAad {
  return {
    plugin: async () => {},
    reset() {},
  };
}
