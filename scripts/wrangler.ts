// Runs the project's wrangler (npm puts node_modules/.bin on PATH) with the two settings that keep
// it from reaching Cloudflare when it has no reason to.
import { spawnSync } from "node:child_process";

export const quietWranglerEnv: NodeJS.ProcessEnv = {
  ...process.env,
  CLOUDFLARE_CF_FETCH_ENABLED: "false",
  WRANGLER_SEND_METRICS: "false",
};

export interface WranglerRun {
  ok: boolean;
  stdout: string;
  /** stdout and stderr, for showing what went wrong. */
  output: string;
}

/** Runs `wrangler ...args`; `capture` keeps the output for the caller instead of printing it. */
export function wrangler(args: string[], options: { capture?: boolean; env?: NodeJS.ProcessEnv } = {}): WranglerRun {
  const run = spawnSync("wrangler", args, {
    stdio: options.capture ? ["ignore", "pipe", "pipe"] : "inherit",
    env: { ...quietWranglerEnv, ...options.env },
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  if (run.error) return { ok: false, stdout: "", output: `wrangler could not start: ${run.error.message}` };
  return { ok: run.status === 0, stdout: run.stdout ?? "", output: `${run.stdout ?? ""}${run.stderr ?? ""}` };
}
