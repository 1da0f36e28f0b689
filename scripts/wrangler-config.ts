// A worker's wrangler configuration as wrangler itself resolves it (deploy check, dev cron), for the top level (the local
// stack) or one [env.*]. Reading it through wrangler keeps its rules (no inheritance of [vars] and
// bindings into environments) instead of re-implementing TOML handling here.
import { unstable_readConfig, type Unstable_Config } from "wrangler";

export type WranglerConfig = Unstable_Config;

export function readWranglerConfig(configPath: string, env?: string): WranglerConfig {
  return unstable_readConfig({ config: configPath, env }, { hideWarnings: true });
}

/** Every binding's name, by kind, so an environment can be compared with the local stack. */
export function bindingNames(config: WranglerConfig): string[] {
  return [
    ...config.d1_databases.map((b) => `d1 ${b.binding}`),
    ...config.kv_namespaces.map((b) => `kv ${b.binding}`),
    ...config.durable_objects.bindings.map((b) => `durable object ${b.name}`),
    ...config.ratelimits.map((b) => `rate limit ${b.name}`),
    ...(config.services ?? []).map((b) => `service ${b.binding}`),
  ];
}

/** The ids a person creates once per environment (`wrangler d1 create`, `kv namespace create`, ...). */
export function resourceIds(config: WranglerConfig): { label: string; id: string }[] {
  return [
    ...config.d1_databases.map((b) => ({ label: `D1 ${b.binding} database_id`, id: b.database_id ?? "" })),
    ...config.kv_namespaces.map((b) => ({ label: `KV ${b.binding} id`, id: b.id ?? "" })),
    ...config.hyperdrive.map((b) => ({ label: `Hyperdrive ${b.binding} id`, id: b.id })),
  ];
}

export function stringVars(config: WranglerConfig): Record<string, string> {
  return Object.fromEntries(
    Object.entries(config.vars).map(([name, value]) => [name, typeof value === "string" ? value : JSON.stringify(value)]),
  );
}
