// What `npm run deploy` deploys: the two workers in order (the KHQR worker binds to the gateway,
// so the gateway goes first), and the environments the wrangler configurations define.
export interface DeployedWorker {
  id: "gateway" | "khqr";
  configPath: string;
  /** The worker's own configuration parser, so the deploy check applies the worker's rules. */
  configModule: string;
  configExport: string;
}

export const WORKERS: readonly DeployedWorker[] = [
  { id: "gateway", configPath: "wrangler.toml", configModule: "workers/gateway/src/config.ts", configExport: "gatewayConfig" },
  { id: "khqr", configPath: "workers/khqr/wrangler.toml", configModule: "workers/khqr/src/config.ts", configExport: "khqrConfig" },
];

export const ENVIRONMENTS = {
  uat: { topicPrefix: "uat." },
  production: { topicPrefix: "prod." },
} as const;

export type EnvironmentName = keyof typeof ENVIRONMENTS;

export function isEnvironmentName(name: string | undefined): name is EnvironmentName {
  return name !== undefined && Object.hasOwn(ENVIRONMENTS, name);
}

/** The contract's secrets (docs/configuration.md): never a committed [vars] value. */
export const SECRET_NAMES = [
  "AMK_USERNAME",
  "AMK_PASSWORD",
  "AMK_SECRET_KEY",
  "INTEGRATION_TOKEN",
  "KAFKA_REST_PASSWORD",
  "JWT_SECRET",
  "CHECKOUT_SIGNING_KEY",
];

/** Marks a value in wrangler.toml that a person must replace before a real deploy. */
export function isPlaceholder(value: string): boolean {
  return value.includes("REPLACE-ME") || /^[0-]+$/.test(value);
}
