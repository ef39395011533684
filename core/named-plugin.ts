/**
 * Gives a fastify plugin the display name fastify-plugin would. Without one, fastify looks for the
 * plugin among the exports of every module in `require.cache` each time it is registered, which in a test
 * process that has loaded the client SDKs was the dearest part of a warm `startSandbox()`.
 *
 * @example
 * await app.register(namedPlugin("acs-identity-api", async (api) => { … }));
 */
export function namedPlugin<T extends object>(name: string, plugin: T): T {
  Object.defineProperty(plugin, Symbol.for("fastify.display-name"), { value: name });
  return plugin;
}
