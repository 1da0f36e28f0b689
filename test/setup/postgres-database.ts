// Vitest global setup of the PostgreSQL project: a fresh database for this run
// (amk_test_<random>, on TEST_DATABASE_URL's server), migrated by `npm run migrate:postgres`'s own
// script, dropped at the end. PostgreSQL unreachable fails the run: it is never skipped.
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import type Postgres from "postgres";
import type { TestProject } from "vitest/node";
import { testDatabaseUrl } from "./postgres-url.ts";

declare module "vitest" {
  export interface ProvidedContext {
    postgresUrl: string;
  }
}

// Global setup is resolved with the project's workerd conditions, which pick postgres.js's
// Cloudflare build; Node's own resolution picks the Node one.
const postgres = createRequire(import.meta.url)("postgres") as typeof Postgres;

export default async function setup(project: TestProject) {
  const serverUrl = testDatabaseUrl();
  const name = `amk_test_${crypto.randomUUID().replaceAll("-", "").slice(0, 12)}`;
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {}, connect_timeout: 10 });
  try {
    await admin.unsafe(`CREATE DATABASE ${name}`);
  } catch (error) {
    await admin.end();
    throw new Error(`PostgreSQL at ${new URL(serverUrl).host} is needed by the tests (TEST_DATABASE_URL): ${String(error)}`);
  }
  const dropDatabase = async () => {
    await admin.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  };
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  // Each test file migrates its own schema (test/setup/postgres-schema.ts); the public one proves the runner.
  const migrate = spawnSync(process.execPath, ["scripts/migrate-postgres.ts"], {
    env: { ...process.env, DATABASE_URL: url.toString() },
    encoding: "utf8",
  });
  if (migrate.status !== 0) {
    await dropDatabase();
    throw new Error(`migrating the test database failed: ${migrate.stderr}`);
  }
  project.provide("postgresUrl", url.toString());
  return dropDatabase;
}
