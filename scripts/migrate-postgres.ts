// `DATABASE_URL=postgres://... npm run migrate:postgres`: brings that PostgreSQL database's schema up
// to date (migrations/postgres/). Safe to run again: applied files are skipped. On Cloudflare,
// DATABASE_URL is the database's own URL, not Hyperdrive's (README "Records in PostgreSQL").
import { describeDatabase, migratePostgres, readPostgresMigrations } from "./postgres-migrations.ts";

const databaseUrl = process.env.DATABASE_URL;
if (!databaseUrl) {
  console.error("DATABASE_URL must name the PostgreSQL database to migrate, e.g. postgres://user:password@host:5432/amk");
  process.exit(1);
}
try {
  const migrations = readPostgresMigrations();
  const applied = await migratePostgres(databaseUrl, migrations);
  console.log(
    `PostgreSQL ${describeDatabase(databaseUrl)}: ${applied.length ? `applied ${applied.join(", ")}` : "up to date"} (${migrations.length} migrations)`,
  );
} catch (error) {
  console.error(`PostgreSQL ${describeDatabase(databaseUrl)}: migration failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
