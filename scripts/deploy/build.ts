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
/**
 * The project's own budget, far under Cloudflare's limits: every worker's deployed bundle at most
 * 100 KiB gzipped, in every environment and for either record store (docs/benchmarks.md).
 */
export const BUNDLE_BUDGET_BYTES = 100 * 1024;

/** Which gateway build: the environment's own, or the one it would deploy with HYPERDRIVE bound. */
export type RecordsBuild = "environment" | "postgres";

export interface BuiltWorker {
  outdir: string;
  /** Set for the PostgreSQL build of an environment that binds no HYPERDRIVE (a what-if). */
  variant?: "postgres";
  bytes: number;
  gzipBytes: number;
  warnings: string[];
  error?: string;
}

/**
 * What a build of `worker` for `envName` is told at build time: the gateway carries only the record
 * store its environment binds, PostgreSQL with HYPERDRIVE, D1 without (RECORDS_STORE,
 * workers/gateway/src/services.ts).
 */
export function buildDefines(worker: DeployedWorker, envName: EnvironmentName, records: RecordsBuild = "environment"): string[] {
  if (worker.id !== "gateway") return [];
  const store = records === "postgres" || bindsPostgres(worker, envName) ? "postgres" : "d1";
  return ["--define", `RECORDS_STORE:"${store}"`];
}

/** Whether the environment's records are in PostgreSQL (it binds HYPERDRIVE). */
export function bindsPostgres(worker: DeployedWorker, envName: EnvironmentName): boolean {
  return readWranglerConfig(worker.configPath, envName).hyperdrive.length > 0;
}

/**
 * The builds to check for one environment: each worker as the environment deploys it, plus, for a
 * gateway on D1, its PostgreSQL build (what the same environment deploys once HYPERDRIVE is bound).
 */
export function environmentBuilds(workers: readonly DeployedWorker[], envName: EnvironmentName) {
  return workers.flatMap((worker) => [
    { worker, records: "environment" as RecordsBuild },
    ...(worker.id === "gateway" && !bindsPostgres(worker, envName) ? [{ worker, records: "postgres" as RecordsBuild }] : []),
  ]);
}

/** Why a built bundle breaks the 100 KiB budget, or undefined when it fits. */
export function overBudget(built: Pick<BuiltWorker, "gzipBytes">): string | undefined {
  if (built.gzipBytes <= BUNDLE_BUDGET_BYTES) return undefined;
  return `OVER BUDGET: ${kib(built.gzipBytes)} gzipped, ${kib(built.gzipBytes - BUNDLE_BUDGET_BYTES)} over the ${kib(BUNDLE_BUDGET_BYTES)} budget`;
}

export function buildWorker(worker: DeployedWorker, envName: EnvironmentName, records: RecordsBuild = "environment"): BuiltWorker {
  // Absolute: wrangler resolves a relative --outdir against the config's folder for some outputs.
  const outdir = resolve("dist", "deploy", envName, records === "postgres" ? `${worker.id}-postgres` : worker.id);
  rmSync(outdir, { recursive: true, force: true });
  const run = wrangler(
    ["deploy", "--dry-run", "--outdir", outdir, "--env", envName, "-c", worker.configPath, ...buildDefines(worker, envName, records)],
    { capture: true },
  );
  const variant = records === "postgres" ? ("postgres" as const) : undefined;
  if (!run.ok) return { outdir, variant, bytes: 0, gzipBytes: 0, warnings: [], error: run.output };
  let bytes = 0;
  let gzipBytes = 0;
  for (const file of readdirSync(outdir)) {
    if (!/\.(js|mjs|cjs|wasm)$/.test(file)) continue; // source maps and the README are not uploaded
    const content = readFileSync(join(outdir, file));
    bytes += content.length;
    gzipBytes += gzipSync(content).length;
  }
  if (gzipBytes === 0) return { outdir, variant, bytes, gzipBytes, warnings: [], error: `no bundle in ${outdir}\n${run.output}` };
  const warnings = run.output.split("\n").filter((line) => line.includes("[WARNING]"));
  if (gzipBytes > PAID_PLAN_LIMIT) return { outdir, variant, bytes, gzipBytes, warnings, error: "over the 10 MiB compressed limit" };
  if (gzipBytes > FREE_PLAN_LIMIT) warnings.push("over the Free plan's 3 MiB compressed limit (fine on Workers Paid)");
  return { outdir, variant, bytes, gzipBytes, warnings };
}

export function kib(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KiB`;
}
