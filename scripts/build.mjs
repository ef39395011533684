// `npm run build`: the declarations from tsc, the code bundled by esbuild, and the files read at run time.
//
// Why a bundle: `serve` and `import "acs-sandbox"` spent most of their start-up resolving and compiling
// ~250 small ES modules (zod alone is 95, jose 46). One module graph per entry point, split into shared
// chunks, loads in a fraction of that. The heavy packages a command loads only when it needs them (msw,
// the client SDKs, the runner's HTML and cookie parsers, the JUnit writer) stay external, so they are
// still imported lazily and the user's own msw and SDK versions are the ones used. The certificate
// library is bundled, into a chunk of its own (chunks/x509-*.js) that only making a certificate loads:
// its ~170 CommonJS modules took ~130 ms to resolve and load on a fresh `serve`, the chunk ~55 ms.
// zod is imported as a namespace (`import * as z`) everywhere so the bundle keeps only what is used.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import process from "node:process";
import { build } from "esbuild";

const ENTRY_POINTS = [
  "harness/index.ts",
  "harness/cli/index.ts",
  "harness/runner/index.ts",
  "harness/runner/worker.ts",
  "harness/transports/msw.ts",
  "harness/transports/vitest.ts",
  "harness/transports/testcontainers.ts",
];

const EXTERNAL = [
  // Peer dependencies: the user's own installs.
  "msw",
  "msw/*",
  "@azure/*",
  "vitest",
  "testcontainers",
  // The native module, and the packages kept out of fast paths (test/harness/lazy-loading.test.ts).
  "better-sqlite3",
  "node-html-parser",
  "tough-cookie",
  "xmlbuilder2",
  // Reads its own `__filename`, which a bundled ES module does not have.
  "write-file-atomic",
  // Loads `cookie` with import(), whose CommonJS named exports only Node's own loader provides.
  "@fastify/cookie",
  // Only the inspector's script run from sources bundles with it (harness/operator/inspector/script.ts).
  "esbuild",
];

rmSync("dist", { recursive: true, force: true });

const tsc = spawnSync(process.execPath, ["node_modules/typescript/bin/tsc", "-p", "tsconfig.build.json"], {
  stdio: "inherit",
});
if (tsc.status !== 0) process.exit(tsc.status ?? 1);

const COMMON = {
  bundle: true,
  platform: "node",
  target: "node20",
  external: EXTERNAL,
  sourcemap: true,
  // Whitespace and syntax only: a third less for V8 to parse at start-up, names kept for stack traces.
  minifyWhitespace: true,
  minifySyntax: true,
  legalComments: "inline",
  logLevel: "warning",
};

await build({
  ...COMMON,
  entryPoints: ENTRY_POINTS,
  outdir: "dist",
  outbase: ".",
  splitting: true,
  format: "esm",
  chunkNames: "chunks/[name]-[hash]",
  // Bundled CommonJS packages (fastify) call `require` for Node's built-ins; an ES module has none.
  banner: {
    js: 'import { createRequire as __acsSandboxRequire } from "node:module";\nconst require = __acsSandboxRequire(import.meta.url);',
  },
});

// `serve` again, as one CommonJS bundle that the command line compiles with V8's code cache
// (harness/cli/code-cache.ts); Node 20 takes no cached code for ES modules. The certificate library stays
// a file of its own there too (dist/cli/x509.cjs), loaded only when a certificate is made, and through
// `require`: Node 20 gives code compiled from a cache no `import()`.
const certificatesApart = {
  name: "certificates-apart",
  setup(build) {
    build.onResolve({ filter: /^\.\/x509\.cjs$/ }, () => ({ path: "./x509.cjs", external: true }));
    build.onLoad({ filter: /[\\/]core[\\/]x509-loader\.ts$/ }, () => ({
      contents: 'export async function loadX509() { return require("./x509.cjs").x509; }',
      loader: "js",
    }));
  },
};
const IMPORT_META_URL = "__acsSandboxImportMetaUrl";
const cjs = {
  ...COMMON,
  format: "cjs",
  outdir: "dist/cli",
  // The sources find the package's files from their own URL (harness/sandbox/paths.ts).
  define: { "import.meta.url": IMPORT_META_URL },
  banner: { js: `const ${IMPORT_META_URL} = require("node:url").pathToFileURL(__filename).href;` },
  outExtension: { ".js": ".cjs" },
};
await build({ ...cjs, entryPoints: { serve: "harness/cli/serve-bundle.ts" }, plugins: [certificatesApart] });
await build({ ...cjs, entryPoints: { x509: "core/x509.ts" } });
// What the command line reads to find the bundle and name its cache by its content.
const serveBundle = readFileSync("dist/cli/serve.cjs");
writeFileSync(
  "dist/cli/serve.json",
  JSON.stringify({ bundle: "serve.cjs", sha256: createHash("sha256").update(serveBundle).digest("hex") }) +
    "\n",
);

// What the built package reads at run time besides its code: the inspector page's script and the default
// world, made by the sources' own code and options (scripts/build-assets.ts).
const assets = spawnSync(process.execPath, ["--import", "tsx", "scripts/build-assets.ts"], {
  stdio: "inherit",
});
if (assets.status !== 0) process.exit(assets.status ?? 1);
