// `node --import ./test/support/load-trace.mjs …` prints "LOADED <package>" on stderr for each package
// whose loading a fast start must avoid, so a test can check what a command pulls in: through the ES
// module loader (the package's ES module build), and through `require` (`serve`'s CommonJS bundle,
// dist/cli/serve.cjs, which Node's module hooks do not see on Node 20).
import Module, { register } from "node:module";
import process from "node:process";

const HEAVY = "msw|@azure\\/[^/]+|node-html-parser|tough-cookie|xmlbuilder2";

const hook = `
const HEAVY = /node_modules\\/(${HEAVY})\\//;
// The certificate library is bundled into a chunk of its own (scripts/build.mjs).
const CERTIFICATES = /\\/dist\\/chunks\\/x509-[^/]+\\.js$/;
export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  const heavy = HEAVY.exec(result.url);
  if (heavy) process.stderr.write("LOADED " + heavy[1] + "\\n");
  if (CERTIFICATES.test(result.url)) process.stderr.write("LOADED @peculiar/x509\\n");
  return result;
}`;
register("data:text/javascript," + encodeURIComponent(hook));

const REQUIRED_HEAVY = new RegExp(`^(${HEAVY})(\\/|$)`);
const load = Module._load;
Module._load = function (request, ...rest) {
  const heavy = REQUIRED_HEAVY.exec(request);
  if (heavy) process.stderr.write(`LOADED ${heavy[1]}\n`);
  // The certificate library's own file beside the bundle (dist/cli/x509.cjs).
  if (/(^|\/)x509\.cjs$/.test(request)) process.stderr.write("LOADED @peculiar/x509\n");
  return load.call(this, request, ...rest);
};
