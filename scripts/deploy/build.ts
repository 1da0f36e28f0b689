// `--dry-run`: wrangler bundles each worker for its environment exactly as a deploy would, and
// writes the bundle instead of uploading it (no account, no network).
import { readdirSync, readFileSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { gzipSync } from "node:zlib";
import { readWranglerConfig } from "../wrangler-config.ts";
import { wrangler } from "../wrangler.ts";
import type { DeployedWorker, EnvironmentName } from "./workers.ts";

/** Cloudflare's limits on a worker's compressed size: Free plan, and Paid plan. */
const FREE_PLAN_LIMIT = 3 * 1024 * 1024;
const PAID_PLAN_LIMIT = 10 * 1024 * 1024;

export interface BuiltWorker {
  outdir: string;
  bytes: number;
  gzipBytes: number;
  warnings: string[];
  error?: string;
}

/**
 * What a build of `worker` for `envName` is told at build time: a gateway whose environment binds
 * no HYPERDRIVE leaves the PostgreSQL store out (RECORDS_IN_POSTGRES, workers/gateway/src/services.ts).
 */
export function buildDefines(worker: DeployedWorker, envName: EnvironmentName): string[] {
  if (worker.id !== "gateway") return [];
  return readWranglerConfig(worker.configPath, envName).hyperdrive.length > 0 ? [] : ["--define", "RECORDS_IN_POSTGRES:false"];
}

export function buildWorker(worker: DeployedWorker, envName: EnvironmentName): BuiltWorker {
  // Absolute: wrangler resolves a relative --outdir against the config's folder for some outputs.
  const outdir = resolve("dist", "deploy", envName, worker.id);
  rmSync(outdir, { recursive: true, force: true });
  const run = wrangler(["deploy", "--dry-run", "--outdir", outdir, "--env", envName, "-c", worker.configPath, ...buildDefines(worker, envName)], {
    capture: true,
  });
  if (!run.ok) return { outdir, bytes: 0, gzipBytes: 0, warnings: [], error: run.output };
  let bytes = 0;
  let gzipBytes = 0;
  for (const file of readdirSync(outdir)) {
    if (!/\.(js|mjs|cjs|wasm)$/.test(file)) continue; // source maps and the README are not uploaded
    const content = readFileSync(join(outdir, file));
    bytes += content.length;
    gzipBytes += gzipSync(content).length;
  }
  if (gzipBytes === 0) return { outdir, bytes, gzipBytes, warnings: [], error: `no bundle in ${outdir}\n${run.output}` };
  const warnings = run.output.split("\n").filter((line) => line.includes("[WARNING]"));
  if (gzipBytes > PAID_PLAN_LIMIT) return { outdir, bytes, gzipBytes, warnings, error: "over the 10 MiB compressed limit" };
  if (gzipBytes > FREE_PLAN_LIMIT) warnings.push("over the Free plan's 3 MiB compressed limit (fine on Workers Paid)");
  return { outdir, bytes, gzipBytes, warnings };
}

export function kib(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KiB`;
}
