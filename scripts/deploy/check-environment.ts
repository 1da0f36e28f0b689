// The deploy check of one worker in one environment: what can be known without a Cloudflare
// account. It compares the environment with the local stack (the reference every test runs on)
// and runs the worker's own configuration parser over the environment's [vars].
import { ENVIRONMENTS, isPlaceholder, SECRET_NAMES, type DeployedWorker, type EnvironmentName } from "./workers.ts";
import { bindingNames, resourceIds, stringVars, type WranglerConfig } from "../wrangler-config.ts";

export interface WorkerFindings {
  worker: DeployedWorker;
  workerName: string;
  errors: string[];
  /** Values a person must still replace: a real deploy refuses them, a dry run lists them. */
  placeholders: string[];
  /** The secrets this worker needs in this environment (`wrangler secret put`). */
  secrets: string[];
}

export interface EnvironmentCheckInput {
  worker: DeployedWorker;
  envName: EnvironmentName;
  local: WranglerConfig;
  deployed: WranglerConfig;
  /** The worker's `gatewayConfig` / `khqrConfig`: throws naming every bad variable. */
  parseConfig: (env: object) => unknown;
  /** Local worker name -> its name in this environment, to check service bindings. */
  deployedNames: Record<string, string>;
}

/** Stands in for a secret's value: long enough for every length rule (JWT_SECRET needs 32). */
const PLACEHOLDER_SECRET = "deploy-check-placeholder-secret-0123456789";

export function checkWorkerEnvironment(input: EnvironmentCheckInput): WorkerFindings {
  const { worker, envName, local, deployed } = input;
  const errors: string[] = [];
  const vars = stringVars(deployed);
  const secrets = deployed.secrets?.required ?? [];

  if (deployed.name === local.name) errors.push(`worker name ${deployed.name} is the local stack's; give [env.${envName}] its own name`);

  const present = new Set(bindingNames(deployed));
  for (const binding of bindingNames(local)) {
    if (!present.has(binding)) errors.push(`${binding} is missing (wrangler does not inherit bindings into [env.${envName}])`);
  }
  for (const service of deployed.services ?? []) {
    const localService = (local.services ?? []).find((s) => s.binding === service.binding);
    const expected = localService && input.deployedNames[localService.service];
    if (expected && (service.service !== expected || service.entrypoint !== localService.entrypoint)) {
      errors.push(`service ${service.binding} must point at ${expected}'s ${localService.entrypoint ?? "default"} entrypoint`);
    }
  }

  if (vars.ENVIRONMENT !== envName) errors.push(`ENVIRONMENT must be "${envName}" (is ${JSON.stringify(vars.ENVIRONMENT)})`);
  const prefix = ENVIRONMENTS[envName].topicPrefix;
  if (("KAFKA_TOPIC_PREFIX" in local.vars || "KAFKA_TOPIC_PREFIX" in vars) && vars.KAFKA_TOPIC_PREFIX !== prefix) {
    errors.push(`KAFKA_TOPIC_PREFIX must be "${prefix}" (is ${JSON.stringify(vars.KAFKA_TOPIC_PREFIX)})`);
  }

  for (const name of Object.keys(vars)) {
    if (SECRET_NAMES.includes(name)) errors.push(`${name} is a secret: remove it from [vars] and set it with wrangler secret put`);
  }
  errors.push(
    ...configProblems(worker.configExport, input.parseConfig, {
      ...vars,
      ...Object.fromEntries(secrets.map((s) => [s, PLACEHOLDER_SECRET])),
    }),
  );
  errors.push(...urlProblems(vars, envName));
  if (envName === "production" && !vars.JWT_JWKS_URL) errors.push("production verifies tokens with JWT_JWKS_URL, never JWT_SECRET alone");

  const localCrons = local.triggers.crons ?? [];
  const crons = deployed.triggers.crons ?? [];
  if (localCrons.join() !== crons.join())
    errors.push(`crons ${JSON.stringify(crons)} differ from the local stack's ${JSON.stringify(localCrons)}`);
  if (!deployed.observability?.enabled) errors.push("[observability] must be enabled");
  else if (deployed.observability.head_sampling_rate === undefined) errors.push("[observability] needs a head_sampling_rate");

  const placeholders = [
    ...resourceIds(deployed)
      .filter((r) => isPlaceholder(r.id))
      .map((r) => r.label),
    ...Object.entries(vars)
      .filter(([, value]) => isPlaceholder(value))
      .map(([name]) => name),
  ];
  return { worker, workerName: deployed.name ?? "(unnamed)", errors, placeholders, secrets };
}

/** The worker's own rules: the parser's reason lists every problem by variable name. */
function configProblems(parser: string, parseConfig: (env: object) => unknown, env: Record<string, string>): string[] {
  try {
    parseConfig(env);
    return [];
  } catch (error) {
    const reason = (error as { reason?: string }).reason ?? (error instanceof Error ? error.message : String(error));
    return [`${parser}: ${reason.replace(/^configuration: /, "")}`];
  }
}

/** Production talks to upstreams over https only; no Worker can fetch a bare IP address. */
function urlProblems(vars: Record<string, string>, envName: EnvironmentName): string[] {
  const problems: string[] = [];
  for (const [name, value] of Object.entries(vars)) {
    if (!name.endsWith("_URL")) continue;
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      continue; // the worker's parser reports it
    }
    if (envName === "production" && url.protocol !== "https:") problems.push(`${name} must be https in production`);
    if (/^\d{1,3}(\.\d{1,3}){3}$/.test(url.hostname) || url.hostname.startsWith("[")) {
      problems.push(`${name} is a bare IP address, which a Worker cannot fetch: use a hostname (Cloudflare Tunnel or Workers VPC)`);
    }
  }
  return problems;
}
