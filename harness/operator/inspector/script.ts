import { existsSync, readFileSync } from "node:fs";
import { shippedFile } from "../../sandbox/paths.js";

/*
 * The inspector page's script: TypeScript modules in ./browser/ (checked by tsc and eslint like the rest),
 * bundled into one classic script the page carries inline.
 *
 * Where the bundle comes from, and why: `npm run build` writes it to dist (scripts/build-assets.ts, with the
 * options below) and the built sandbox reads that file, so a published package needs no bundler at run
 * time. The sandbox tests and `tsx` run from sources, where no dist need exist (or a stale one would
 * show yesterday's page), so there the first request bundles ./browser/main.ts with esbuild (a
 * development dependency) and keeps the result for the process. Either way nothing is generated into
 * the source tree.
 */

/** The entry module, by its path in the sources; the built bundle sits at the same path as `.js`. */
export const INSPECTOR_ENTRY = "harness/operator/inspector/browser/main.ts";
export const INSPECTOR_BUNDLE = "harness/operator/inspector/browser/main.js";

/** esbuild options of the bundle, shared with scripts/build-assets.ts: one classic script for today's browsers. */
export const INSPECTOR_BUILD_OPTIONS = {
  bundle: true,
  format: "iife",
  platform: "browser",
  target: "es2022",
  minifySyntax: true,
  legalComments: "none",
} as const;

let cached: Promise<string> | undefined;

async function bundleFromSources(entry: string): Promise<string> {
  const { build } = await import("esbuild");
  const result = await build({ ...INSPECTOR_BUILD_OPTIONS, entryPoints: [entry], write: false });
  return result.outputFiles[0]!.text;
}

/**
 * The page's script, safe to place inside `<script>…</script>`: a `</script` in it (in a string) would end
 * the element early, so it is written `<\/script`, which means the same to JavaScript.
 */
export function inspectorScript(): Promise<string> {
  cached ??= (async () => {
    const fromSources = import.meta.url.endsWith(".ts");
    const source = fromSources
      ? await bundleFromSources(shippedFile(INSPECTOR_ENTRY))
      : readBuilt(shippedFile(INSPECTOR_BUNDLE));
    return source.replace(/<\/script/gi, "<\\/script");
  })();
  // A failure is not kept: the next request tries again (and the failure is a visible 500 meanwhile).
  cached.catch(() => (cached = undefined));
  return cached;
}

function readBuilt(file: string): string {
  if (!existsSync(file))
    throw new Error(`The inspector's script is missing from the build (${file}): run npm run build`);
  return readFileSync(file, "utf8");
}
