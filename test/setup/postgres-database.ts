// Vitest global setup of the PostgreSQL project: a fresh database for this run
// (amk_test_<random>), migrated by `npm run migrate:postgres`'s own script, dropped at the end.
// The server: the one TEST_DATABASE_URL names, whose being unreachable fails the run (never a
// skip); without it, a throwaway server the run starts and stops itself (embedded-postgres-server.ts).
import { spawn, spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import type Postgres from "postgres";
import type { TestProject } from "vitest/node";

declare module "vitest" {
  export interface ProvidedContext {
    postgresUrl: string;
  }
}

// Global setup is resolved with the project's workerd conditions, which pick postgres.js's
// Cloudflare build; Node's own resolution picks the Node one.
const postgres = createRequire(import.meta.url)("postgres") as typeof Postgres;

interface ThrowawayPostgres {
  url: string;
  stop(): Promise<void>;
}

/** Starts test/setup/embedded-postgres-server.ts; it goes away with its standard input, so also if this run dies. */
function startThrowawayPostgres(): Promise<ThrowawayPostgres> {
  const child = spawn(process.execPath, ["test/setup/embedded-postgres-server.ts"], { stdio: ["pipe", "pipe", "pipe"] });
  let output = "";
  return new Promise((done, fail) => {
    child.stdout.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      const url = /^postgres:\/\/\S+$/m.exec(output)?.[0];
      if (!url) return;
      const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
      done({ url, stop: () => (child.stdin.end(), exited) });
    });
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.once("exit", (code) => fail(new Error(`the embedded PostgreSQL exited with ${code}: ${output.trim()}`)));
  });
}

export default async function setup(project: TestProject) {
  const throwaway = process.env.TEST_DATABASE_URL ? undefined : await startThrowawayPostgres();
  const serverUrl = process.env.TEST_DATABASE_URL || throwaway!.url;
  const name = `amk_test_${crypto.randomUUID().replaceAll("-", "").slice(0, 12)}`;
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {}, connect_timeout: 10 });
  try {
    await admin.unsafe(`CREATE DATABASE ${name}`);
  } catch (error) {
    await admin.end();
    await throwaway?.stop();
    const where = throwaway ? "the embedded PostgreSQL" : `PostgreSQL at ${new URL(serverUrl).host} (TEST_DATABASE_URL)`;
    throw new Error(`${where} is needed by the tests: ${String(error)}`);
  }
  const dropDatabase = async () => {
    await admin.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
    await throwaway?.stop();
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
