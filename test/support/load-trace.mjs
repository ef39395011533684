// `node --import ./test/support/load-trace.mjs …` prints "LOADED <package>" on stderr for each package
// whose loading a fast start must avoid, so a test can check what a command pulls in.
import { register } from "node:module";

const hook = `
const HEAVY = /node_modules\\/(msw|@azure\\/[^/]+|node-html-parser|tough-cookie|xmlbuilder2|@peculiar\\/x509)\\//;
export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  const heavy = HEAVY.exec(result.url);
  if (heavy) process.stderr.write("LOADED " + heavy[1] + "\\n");
  return result;
}`;
register("data:text/javascript," + encodeURIComponent(hook));
