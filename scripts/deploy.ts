// `npm run deploy -- --env <uat|production> [--dry-run] [--gateway-url URL]` (the README's deployment
// section): checks both workers' configuration for that environment, applies the migrations, deploys
// the gateway and the KHQR worker, which binds to it, then calls the deployed gateway's connection
// check (GET /ops/health) and says what failed. `--dry-run` needs no account and no network: it checks,
// then builds both bundles; it exits non-zero on any error. README "Deploying to Cloudflare".
import { relative, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { buildDefines, buildWorker, kib } from "./deploy/build.ts";
import { checkWorkerEnvironment, type WorkerFindings } from "./deploy/check-environment.ts";
import { missingSecrets } from "./deploy/deployed-secrets.ts";
import { checkGatewayHealth, healthCredentials } from "./deploy/gateway-health.ts";
import { applyMigrations, migrationPlan } from "./deploy/migrations.ts";
import { readWranglerConfig } from "./wrangler-config.ts";
import { ENVIRONMENTS, isEnvironmentName, WORKERS, type DeployedWorker, type EnvironmentName } from "./deploy/workers.ts";
import { wrangler } from "./wrangler.ts";

const { values } = parseArgs({
  options: { env: { type: "string" }, "dry-run": { type: "boolean", default: false }, "gateway-url": { type: "string" } },
});
const envName = values.env;
if (!isEnvironmentName(envName)) {
  console.error(`usage: npm run deploy -- --env <${Object.keys(ENVIRONMENTS).join("|")}> [--dry-run] [--gateway-url URL]`);
  process.exit(2);
}
const dryRun = values["dry-run"];

/** The worker's own parser, loaded at run time: its code is typed for workerd, not for Node. */
async function configParser(worker: DeployedWorker): Promise<(env: object) => unknown> {
  const module = (await import(pathToFileURL(resolve(worker.configModule)).href)) as Record<string, unknown>;
  const parser = module[worker.configExport];
  if (typeof parser !== "function") throw new Error(`${worker.configModule} does not export ${worker.configExport}`);
  return parser as (env: object) => unknown;
}

function secretCommand(worker: DeployedWorker, name: string, env: EnvironmentName): string {
  const config = worker.configPath === "wrangler.toml" ? "" : ` -c ${worker.configPath}`;
  return `npx wrangler secret put ${name} --env ${env}${config}`;
}

function fail(errors: string[]): never {
  console.error(`\n${dryRun ? "Dry run" : "Deploy"} of ${envName} stopped:`);
  for (const error of errors) console.error(`  - ${error}`);
  process.exit(1);
}

console.log(`AMK Payment Hub: ${dryRun ? "dry run of the deploy" : "deploy"} to ${envName}\n`);

function readConfig(worker: DeployedWorker, env?: EnvironmentName) {
  try {
    return readWranglerConfig(worker.configPath, env);
  } catch (error) {
    fail([`${worker.configPath}: ${error instanceof Error ? error.message : String(error)}`]);
  }
}

const locals = WORKERS.map((w) => readConfig(w));
const deployed = WORKERS.map((w) => readConfig(w, envName));
const deployedNames = Object.fromEntries(locals.map((local, i) => [local.name ?? "", deployed[i]!.name ?? ""]));

const errors: string[] = [];
const findings: WorkerFindings[] = [];
for (const [i, worker] of WORKERS.entries()) {
  const parseConfig = await configParser(worker);
  const found = checkWorkerEnvironment({ worker, envName, local: locals[i]!, deployed: deployed[i]!, parseConfig, deployedNames });
  findings.push(found);
  console.log(`${worker.id}: ${found.workerName} (${worker.configPath}, [env.${envName}])`);
  console.log(
    `  check: ${found.errors.length === 0 ? `ok ([vars] valid for ${worker.configExport})` : `${found.errors.length} problem(s), listed below`}`,
  );
  console.log(`  secrets: ${found.secrets.join(", ") || "none"}`);
  if (found.placeholders.length > 0) console.log(`  placeholders: ${found.placeholders.join(", ")}`);
  errors.push(...found.errors.map((e) => `${worker.id}: ${e}`));
  if (!dryRun) errors.push(...found.placeholders.map((p) => `${worker.id}: ${p} is still a placeholder`));
}

const gateway = WORKERS[0]!;
const plan = migrationPlan(deployed[0]!, envName, gateway.configPath);
console.log(`\nmigrations: ${plan.describe}`);
if (plan.problem) errors.push(`migrations: ${plan.problem}`);

if (!dryRun && errors.length === 0) {
  for (const found of findings) errors.push(...missingSecrets(found, envName).map((e) => `${found.worker.id}: ${e}`));
}
if (errors.length > 0) fail(errors);

if (dryRun) {
  console.log("\nbuild (wrangler deploy --dry-run, offline):");
  const buildErrors: string[] = [];
  for (const [i, worker] of WORKERS.entries()) {
    const built = buildWorker(worker, envName);
    if (built.error) {
      buildErrors.push(`${worker.id}: build failed\n${built.error.trim()}`);
      continue;
    }
    console.log(
      `  ${worker.id.padEnd(8)} ${findings[i]!.workerName.padEnd(24)} ${kib(built.bytes)}, gzip ${kib(built.gzipBytes)}  (${relative(process.cwd(), built.outdir)})`,
    );
    for (const warning of built.warnings) console.log(`    ${warning.trim()}`);
  }
  if (buildErrors.length > 0) fail(buildErrors);
  console.log("\nsecrets to set once per environment (never in the repository):");
  for (const found of findings) for (const name of found.secrets) console.log(`  ${secretCommand(found.worker, name, envName)}`);
  const placeholders = findings.reduce((n, f) => n + f.placeholders.length, 0);
  console.log(
    `\nDry run of ${envName} passed.` +
      (placeholders > 0 ? ` A real deploy refuses the ${placeholders} placeholder value(s) listed above until they are replaced.` : ""),
  );
  process.exit(0);
}

const credentials = healthCredentials();
if (!credentials.bearer && !(credentials.accessClientId && credentials.accessClientSecret)) {
  console.log(
    "\nnote: the connection check after the deploy needs OPS_HEALTH_TOKEN or CF_ACCESS_CLIENT_ID and CF_ACCESS_CLIENT_SECRET (docs/operations.md); without them it will fail",
  );
}
if (!applyMigrations(plan, envName, gateway.configPath)) fail(["applying the migrations failed; nothing was deployed"]);
let gatewayUrl = values["gateway-url"] ?? process.env.GATEWAY_URL;
for (const worker of WORKERS) {
  console.log(`\ndeploying ${worker.id} (${envName})`);
  const run = wrangler(["deploy", "--env", envName, "-c", worker.configPath, ...buildDefines(worker, envName)], { capture: true });
  console.log(run.output.trimEnd());
  if (!run.ok) fail([`wrangler deploy of ${worker.id} failed${worker.id === "khqr" ? " (the gateway is already deployed)" : ""}`]);
  // wrangler names the URLs it deployed to (workers.dev or a route); the first https one is the gateway's.
  if (worker.id === "gateway") gatewayUrl ??= /https:\/\/[^\s]+/.exec(run.stdout)?.[0];
}
console.log(`\nDeployed ${envName}: ${findings.map((f) => f.workerName).join(", ")}.`);

// The deployed gateway checks its own connections, from where it runs (AMK allow-lists its callers).
if (!gatewayUrl) fail(["deployed, but the gateway's URL is unknown: give --gateway-url (or GATEWAY_URL), then npm run ops:health"]);
console.log(`\nconnection check: ${gatewayUrl}/ops/health`);
const health = await checkGatewayHealth(gatewayUrl, credentials);
for (const line of health.lines) console.log(line);
if (!health.ok) fail(["deployed, but the connection check failed:", ...health.failures]);
console.log("\nEvery connection of the deployed gateway is ok.");
