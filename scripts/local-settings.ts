// The settings of the local stack, in rising priority: the embedded sandbox defaults
// (sandbox/local-config.ts), a git-ignored .dev.vars, and the process environment.
import { existsSync, readFileSync } from "node:fs";
import { localConfig } from "../sandbox/local-config.ts";

/** Every worker variable of docs/configuration.md, plus the tuning knobs. */
export const CONFIG_NAMES = [
  "ENVIRONMENT",
  "AMK_BASE_URL",
  "AMK_VERIFY_URL",
  "AMK_USERNAME",
  "AMK_PASSWORD",
  "AMK_MERCHANT_ID",
  "AMK_STORE_ID",
  "AMK_TERMINAL_ID",
  "AMK_SECRET_KEY",
  "AMK_CLIENT_SUBJECTS",
  "AMK_CLIENT_CERT_SHA256",
  "INTEGRATION_BASE_URL",
  "INTEGRATION_TOKEN",
  "KAFKA_REST_URL",
  "KAFKA_REST_USERNAME",
  "KAFKA_REST_PASSWORD",
  "KAFKA_REST_FLAVOR",
  "KAFKA_CLUSTER_ID",
  "KAFKA_TOPIC_PREFIX",
  "JWT_SECRET",
  "JWT_JWKS_URL",
  "JWT_ISSUER",
  "JWT_AUDIENCE",
  "ACCESS_TEAM_DOMAIN",
  "ACCESS_AUD",
  "KHQR_PUBLIC_URL",
  "CHECKOUT_SIGNING_KEY",
  "INTEGRATION_TIMEOUT_MS",
  "PREMIUM_CACHE_TTL_SECONDS",
  "AMK_TIMEOUT_MS",
  "MEASURE_REQUESTS",
];

export function readDevVars(path = ".dev.vars"): Record<string, string> {
  if (!existsSync(path)) return {};
  const vars: Record<string, string> = {};
  for (const line of readFileSync(path, "utf8").split("\n")) {
    const match = /^\s*([A-Z0-9_]+)\s*=\s*(.*?)\s*$/.exec(line);
    if (match) vars[match[1]!] = match[2]!.replace(/^"(.*)"$/, "$1");
  }
  return vars;
}

/** What .dev.vars may hold for the scripts only, never handed to the workers (their records go through HYPERDRIVE). */
const SCRIPT_ONLY = new Set(["DATABASE_URL", "TEST_DATABASE_URL"]);

export function localSettings(sandboxUrl: string): Record<string, string> {
  const fromEnvironment = Object.fromEntries(CONFIG_NAMES.filter((n) => process.env[n] !== undefined).map((n) => [n, process.env[n]!]));
  const fromDevVars = Object.fromEntries(Object.entries(readDevVars()).filter(([name]) => !SCRIPT_ONLY.has(name)));
  return { ...localConfig(sandboxUrl), ...fromDevVars, ...fromEnvironment };
}

/**
 * The PostgreSQL database `npm run dev` records into instead of D1 (README "Records in
 * PostgreSQL"): DATABASE_URL from the process environment or .dev.vars. Never handed to the
 * workers as a variable: the gateway reaches it through its HYPERDRIVE binding.
 */
export function localDatabaseUrl(): string | undefined {
  return process.env.DATABASE_URL || readDevVars().DATABASE_URL || undefined;
}
