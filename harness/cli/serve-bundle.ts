import { runProgram } from "./program.js";
import { serveCommand, type ServeHooks } from "./serve.js";

/*
 * The entry of dist/cli/serve.cjs: `acs-sandbox serve` alone, as one CommonJS bundle, which the command
 * line (index.ts) compiles with V8's code cache (code-cache.ts). The ES module build stays what the
 * package's API and the other commands load.
 */
export function main(argv: string[], hooks: ServeHooks): Promise<void> {
  return runProgram(argv, { serve: async () => serveCommand(hooks) });
}
