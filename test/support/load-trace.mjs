// `node --import ./test/support/load-trace.mjs …` prints "LOADED <package>" on stderr for each package
// whose loading a fast start must avoid, so a test can check what a command pulls in.
import { register } from "node:module";

const hook = `
const HEAVY = /node_modules\\/(msw|@azure\\/[^/]+|node-html-parser|tough-cookie|xmlbuilder2)\\//;
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
