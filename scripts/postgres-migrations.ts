// The PostgreSQL migrations (migrations/postgres/*.sql) and their runner: each file is applied once,
// in name order, in its own transaction, and recorded in schema_migrations; a second run applies
// only what is new. Used by `npm run migrate:postgres`, `npm run dev` and the tests' global setup.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import postgres from "postgres";

export const POSTGRES_MIGRATIONS_DIR = "migrations/postgres";

// A type, not an interface: it travels as a JSON test binding (vitest.config.ts).
export type PostgresMigration = {
  name: string;
  sql: string;
};

export function readPostgresMigrations(dir = POSTGRES_MIGRATIONS_DIR): PostgresMigration[] {
  return readdirSync(dir)
    .filter((file) => file.endsWith(".sql"))
    .sort()
    .map((name) => ({ name, sql: readFileSync(join(dir, name), "utf8") }));
}

/** Applies the migrations not yet recorded; returns the names applied now. */
export async function migratePostgres(databaseUrl: string, migrations = readPostgresMigrations()): Promise<string[]> {
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  try {
    await sql`CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())`;
    const applied: string[] = [];
    for (const migration of migrations) {
      const done = await sql.begin(async (tx) => {
        // Two runs at once (two deploys) take turns here instead of applying a file twice.
        await tx`LOCK TABLE schema_migrations IN EXCLUSIVE MODE`;
        const [seen] = await tx`SELECT 1 FROM schema_migrations WHERE name = ${migration.name}`;
        if (seen) return false;
        await tx.unsafe(migration.sql).simple();
        await tx`INSERT INTO schema_migrations (name) VALUES (${migration.name})`;
        return true;
      });
      if (done) applied.push(migration.name);
    }
    return applied;
  } finally {
    await sql.end();
  }
}

/** The URL without its password, for messages. */
export function describeDatabase(databaseUrl: string): string {
  const url = new URL(databaseUrl);
  url.password = "";
  return url.toString();
}
