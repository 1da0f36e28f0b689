// The schema step of a deploy, before any worker changes: D1 by default; PostgreSQL when the
// environment binds HYPERDRIVE (`npm run migrate:postgres` against the database's own URL).
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { wrangler } from "../wrangler.ts";
import type { WranglerConfig } from "../wrangler-config.ts";
import type { EnvironmentName } from "./workers.ts";

export const POSTGRES_MIGRATE_SCRIPT = "migrate:postgres";

export interface MigrationPlan {
  store: "d1" | "postgres";
  describe: string;
  /** Why the plan cannot run, found before anything is touched. */
  problem?: string;
}

export function migrationPlan(gateway: WranglerConfig, envName: EnvironmentName, configPath: string): MigrationPlan {
  if (gateway.hyperdrive.length > 0) {
    const scripts = (JSON.parse(readFileSync("package.json", "utf8")) as { scripts?: Record<string, string> }).scripts ?? {};
    return {
      store: "postgres",
      describe: `PostgreSQL (${gateway.hyperdrive[0]!.binding}): DATABASE_URL=<the database's own URL> npm run ${POSTGRES_MIGRATE_SCRIPT}`,
      problem: scripts[POSTGRES_MIGRATE_SCRIPT]
        ? undefined
        : `package.json has no "${POSTGRES_MIGRATE_SCRIPT}" script for the PostgreSQL migrations`,
    };
  }
  const db = gateway.d1_databases.find((d) => d.binding === "DB");
  if (!db) return { store: "d1", describe: "D1", problem: "no D1 binding DB and no HYPERDRIVE binding" };
  const dir = db.migrations_dir ?? "migrations";
  const files = readdirSync(dir).filter((f) => f.endsWith(".sql"));
  return {
    store: "d1",
    describe: `D1 ${db.binding} (${db.database_name}): ${files.length} migrations in ${dir}/, \`wrangler d1 migrations apply DB --remote --env ${envName} -c ${configPath}\``,
  };
}

/** Applies the plan for real; wrangler skips the D1 migrations already applied. */
export function applyMigrations(plan: MigrationPlan, envName: EnvironmentName, configPath: string): boolean {
  if (plan.store === "postgres") return applyPostgresMigrations();
  return wrangler(["d1", "migrations", "apply", "DB", "--remote", "--env", envName, "-c", configPath]).ok;
}

/** The PostgreSQL hook: the database's own URL (not Hyperdrive's) comes from DATABASE_URL. */
function applyPostgresMigrations(): boolean {
  if (!process.env.DATABASE_URL) {
    console.error("DATABASE_URL must name the PostgreSQL database behind HYPERDRIVE to apply its migrations");
    return false;
  }
  return spawnSync("npm", ["run", POSTGRES_MIGRATE_SCRIPT], { stdio: "inherit", env: process.env }).status === 0;
}
