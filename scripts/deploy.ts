// `npm run deploy -- --env <uat|production> [--dry-run] [--gateway-url URL]` (the README's deployment
// section): checks both workers' configuration for that environment, applies the migrations, deploys
// the gateway and the KHQR worker, which binds to it, then calls the deployed gateway's connection
// check (GET /ops/health) and says what failed. `--dry-run` needs no account and no network: it checks,
// then builds both bundles; it exits non-zero on any error. Both modes refuse a bundle over 100 KiB
// gzipped (scripts/deploy/build.ts). README "Deploying to Cloudflare".
import { relative, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { BUNDLE_BUDGET_BYTES, buildDefines, buildWorker, environmentBuilds, kib, overBudget } from "./deploy/build.ts";
import { checkWorkerEnvironment, type WorkerFindings } from "./deploy/check-environment.ts";
import { missingSecrets } from "./deploy/deployed-secrets.ts";
import { checkGatewayHealth, healthCredentials } from "./deploy/gateway-health.ts";
import { D1_LOCATION, describeD1Placement, ensureD1Placement, type D1Target } from "./deploy/d1-placement.ts";
import { applyMigrations, migrationPlan } from "./deploy/migrations.ts";
import { readWranglerConfig } from "./wrangler-config.ts";
import { ENVIRONMENTS, isEnvironmentName, isPlaceholder, WORKERS, type DeployedWorker, type EnvironmentName } from "./deploy/workers.ts";
import { wrangler } from "./wrangler.ts";

const { values } = parseArgs({
  options: {
    env: { type: "string" },
    "dry-run": { type: "boolean", default: false },
    "gateway-url": { type: "string" },
    // The PostgreSQL build of a D1 environment over budget fails too, instead of a warning.
    "strict-bundles": { type: "boolean", default: false },
  },
});
const envName = values.env;
if (!isEnvironmentName(envName)) {
  console.error(
    `usage: npm run deploy -- --env <${Object.keys(ENVIRONMENTS).join("|")}> [--dry-run] [--strict-bundles] [--gateway-url URL]`,
  );
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

// The D1 primary in Asia-Pacific, near AMK and the customers (scripts/deploy/d1-placement.ts).
const d1 = plan.store === "d1" ? deployed[0]!.d1_databases.find((d) => d.binding === "DB") : undefined;
const d1Target: D1Target | undefined = d1 && {
  databaseName: d1.database_name ?? "",
  envName,
  configPath: gateway.configPath,
  configured: !isPlaceholder(d1.database_id ?? ""),
};
if (d1Target) console.log(`placement: ${describeD1Placement(d1Target)}`);
if (d1Target && !dryRun && !plan.problem) {
  const placement = ensureD1Placement(d1Target, (args) => wrangler(args, { capture: true }));
  for (const note of placement.notes) console.log(`  ${note}`);
  for (const warning of placement.warnings) console.error(`\n!!! D1 PLACEMENT: ${warning}\n`);
  errors.push(...placement.errors.map((e) => `D1 placement: ${e}`));
  if (placement.createdId) {
    errors.push(
      `D1 ${d1Target.databaseName} was just created in ${D1_LOCATION.toUpperCase()}: set database_id = "${placement.createdId}" in [[env.${envName}.d1_databases]] of ${gateway.configPath}, then deploy again`,
    );
  }
}

if (!dryRun && errors.length === 0) {
  for (const found of findings) errors.push(...missingSecrets(found, envName).map((e) => `${found.worker.id}: ${e}`));
}
if (errors.length > 0) fail(errors);

// Every bundle this environment deploys must fit the 100 KiB gzipped budget (BUNDLE_BUDGET_BYTES);
// a gateway on D1 is also built as the environment would deploy it with HYPERDRIVE bound, and its
// size is flagged loudly (it becomes the deployed bundle, and fails this check, once HYPERDRIVE is bound).
console.log(`\nbuild (wrangler deploy --dry-run, offline; budget ${kib(BUNDLE_BUDGET_BYTES)} gzipped per worker):`);
const buildErrors: string[] = [];
const budgetWarnings: string[] = [];
for (const { worker, records } of environmentBuilds(WORKERS, envName)) {
  const built = buildWorker(worker, envName, records);
  const label = records === "postgres" ? `${worker.id} (PostgreSQL build, if HYPERDRIVE were bound)` : worker.id;
  if (built.error) {
    buildErrors.push(`${label}: build failed\n${built.error.trim()}`);
    continue;
  }
  const over = overBudget(built);
  const name = records === "postgres" ? "(PostgreSQL build)" : findings[WORKERS.indexOf(worker)]!.workerName;
  console.log(
    `  ${worker.id.padEnd(8)} ${name.padEnd(24)} ${kib(built.bytes)}, gzip ${kib(built.gzipBytes)}  (${relative(process.cwd(), built.outdir)})${over ? `  <-- ${over}` : ""}`,
  );
  for (const warning of built.warnings) console.log(`    ${warning.trim()}`);
  if (!over) continue;
  if (records === "postgres" && !values["strict-bundles"]) budgetWarnings.push(`${label}: ${over}`);
  else buildErrors.push(`${label}: ${over}${records === "postgres" ? " (--strict-bundles)" : ` (the bundle ${envName} deploys)`}`);
}
if (budgetWarnings.length > 0) {
  console.error(
    `\n!!! BUNDLE BUDGET: ${budgetWarnings.length} build(s) over ${kib(BUNDLE_BUDGET_BYTES)} gzipped that ${envName} does not deploy today:`,
  );
  for (const warning of budgetWarnings) console.error(`!!!   ${warning}`);
  console.error(`!!! binding HYPERDRIVE in [env.${envName}] would make this the deployed bundle, and this check would fail.\n`);
}
if (buildErrors.length > 0) fail(buildErrors);

if (dryRun) {
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
