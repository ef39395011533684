import type { FastifyPluginAsync } from "fastify";
import type { AcsContext } from "./context.js";

export type { AcsContext } from "./context.js";

/** The fake ACS Identity service as a fastify plugin, plus a way to forget its identities. */
export interface MockAcs {
  plugin: FastifyPluginAsync;
  reset(): Promise<void>;
}

export async function mockAcs(_ctx: AcsContext): Promise<MockAcs> {
  return {
    plugin: async () => {},
    async reset() {},
  };
}
