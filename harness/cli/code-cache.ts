import { mkdirSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { Script } from "node:vm";
import writeFileAtomic from "write-file-atomic";

/*
 * V8's code cache for the `serve` bundle. Compiling the sandbox's code took about a third of a kept
 * `serve` start (~70 of ~350 ms here); with the code V8 compiled last time, the start skips it.
 *
 * Node 22 has this built in (`module.enableCompileCache()`), but not the Node 20 this package supports,
 * and Node 20's ES module loader takes no cached code at all. So `serve` also ships as one CommonJS
 * bundle (dist/cli/serve.cjs), compiled here as Node's own CommonJS loader would, through a `vm.Script`
 * that is handed the cached code. `v8-compile-cache` does the same for `require()`, but makes its cache
 * before any function has run, so it holds little more than the top level. Code compiled from a cache
 * has no `import()` on Node 20 (not even with vm's USE_MAIN_CONTEXT_DEFAULT_LOADER): the bundle loads
 * what it does not hold with `require` (scripts/build.mjs).
 *
 * V8 checks a cache against its own version, its flags and the source's length only, so the file is
 * named by a hash of the bundle's content (made at build time) as well. It lives in the user's own
 * folder (~/.acs-sandbox/cache, mode 700): code read from a folder others can write would be theirs to
 * choose. `ACS_SANDBOX_NO_CODE_CACHE=1` turns it off; a folder that cannot be written just means no cache.
 */

/** What the build writes beside the bundle: its file name and a hash of its content. */
export interface BundleManifest {
  bundle: string;
  sha256: string;
}

export interface CachedBundle {
  /** The bundle's `module.exports`. */
  exports: unknown;
  /**
   * Keeps the code compiled so far for the next start, unless it came from the cache. Called once the
   * work a start does has run, so the functions it compiled on the way are kept too.
   */
  keep(): void;
}

/** Where code caches are kept, or undefined when they are turned off. */
export function codeCacheDir(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.ACS_SANDBOX_NO_CODE_CACHE && !/^(0|false|no)$/i.test(env.ACS_SANDBOX_NO_CODE_CACHE))
    return undefined;
  return env.ACS_SANDBOX_CACHE_DIR ?? join(homedir(), ".acs-sandbox", "cache");
}

/** Reads the manifest beside a bundle, or undefined when there is none (running from the sources). */
export function readManifest(path: string): BundleManifest | undefined {
  try {
    return JSON.parse(readFileSync(path, "utf8")) as BundleManifest;
  } catch {
    return undefined;
  }
}

/**
 * Compiles and runs a CommonJS bundle with the code cache in `cacheDir` (none when undefined), as Node's
 * loader runs a module: the same wrapper, `require` relative to the bundle.
 */
export function runCachedBundle(
  bundlePath: string,
  manifest: BundleManifest,
  cacheDir: string | undefined,
): CachedBundle {
  const source = readFileSync(bundlePath, "utf8");
  const prefix = `${manifest.bundle.replace(/\W/g, "-")}-`;
  const cachePath =
    cacheDir && ownFolder(cacheDir)
      ? join(
          cacheDir,
          `${prefix}${manifest.sha256.slice(0, 16)}-v8-${process.versions.v8}-${process.arch}.bin`,
        )
      : undefined;
  const cachedData = cachePath ? readIfThere(cachePath) : undefined;
  const script = new Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, {
    filename: bundlePath,
    ...(cachedData ? { cachedData } : {}),
  });
  const module = { exports: {} as unknown };
  const wrapper = script.runInThisContext() as (...args: unknown[]) => void;
  wrapper(module.exports, createRequire(bundlePath), module, bundlePath, dirname(bundlePath));
  // A cache V8 took is kept as it is.
  let kept = cachedData !== undefined && !script.cachedDataRejected;
  return {
    exports: module.exports,
    keep() {
      if (kept || !cachePath) return;
      kept = true;
      try {
        makeFolder(dirname(cachePath));
        writeFileAtomic.sync(cachePath, script.createCachedData(), { mode: 0o600 });
        forgetStale(dirname(cachePath), cachePath, prefix);
      } catch {
        // Only a cache: the next start compiles again.
      }
    },
  };
}

/**
 * Whether a cache folder is this user's alone (or not there yet: it is made mode 700). Code read from a
 * folder another user owns or may write would be theirs to choose, so such a folder is not used at all.
 * Windows folders are guarded by their ACLs, which mode bits do not show.
 */
function ownFolder(dir: string): boolean {
  let stat;
  try {
    stat = statSync(dir, { throwIfNoEntry: false });
  } catch {
    return false; // a path through a file, a folder it may not read: no cache
  }
  if (!stat) return true;
  if (!stat.isDirectory()) return false;
  if (process.platform === "win32") return true;
  return stat.uid === process.getuid?.() && (stat.mode & 0o022) === 0;
}

/** Caches of other builds made over a month ago go (an upgrade's), while two installs in use do not take turns. */
const STALE_MS = 30 * 24 * 3600 * 1000;

function forgetStale(cacheDir: string, current: string, prefix: string): void {
  for (const file of readdirSync(cacheDir)) {
    const path = join(cacheDir, file);
    if (!file.startsWith(prefix) || path === current) continue;
    const stat = statSync(path, { throwIfNoEntry: false });
    if (stat && Date.now() - stat.mtimeMs > STALE_MS) rmSync(path, { force: true });
  }
}

/**
 * The cache folder and the one above it (`~/.acs-sandbox`), each made only when missing. Not
 * `mkdirSync(…, { recursive: true })`: on Node 20 that never returns for a folder on some pseudo-file
 * systems (under /proc), and a start must never hang for a cache.
 */
function makeFolder(dir: string): void {
  for (const folder of [dirname(dir), dir]) {
    try {
      mkdirSync(folder, { mode: 0o700 });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    }
  }
}

function readIfThere(path: string): Buffer | undefined {
  try {
    return readFileSync(path);
  } catch {
    return undefined;
  }
}
