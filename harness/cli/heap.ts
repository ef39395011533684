import { setFlagsFromString } from "node:v8";

/**
 * V8's heap setting for a long-running `serve`. A sandbox keeps ~25 MB alive, but under a burst of 32
 * connections V8's default heap growth let promoted request garbage reach ~115 MB before a full
 * collection (~200 MB RSS). Growing the old generation by half instead collects sooner: peak RSS
 * 133–140 MB under that burst and after `npm run bench -- memory` (goal ≤ 150 MB). `--optimize-for-size`,
 * used before, held it to 113–122 MB but cost 9 % more CPU per token request (1.85 against 1.71 ms), as it
 * also makes V8's code smaller and slower. Set in the process rather than on the command line so
 * `npx acs-sandbox serve`, `node dist/…` and the container all get it; the flag only tunes when V8
 * collects. Set before the serve bundle is compiled too: V8 takes a code cache only under the flags it
 * was made with (code-cache.ts).
 */
export function tuneHeapForServe(): void {
  setFlagsFromString("--heap-growing-percent=50");
}
