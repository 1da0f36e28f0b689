// drizzle-kit for the PostgreSQL tables: `npm run migrations` (scripts/migrations.ts) writes the
// next migration into migrations/postgres/, where scripts/postgres-migrations.ts applies every *.sql
// in name order (meta/ is not read). Timestamped names sort after the hand-written 0001..0003.
// migrations/postgres/meta/ starts from a baseline snapshot of the schema those files built; the
// baseline's own SQL was deleted: see README "Changing the schema".
import { defineConfig } from "drizzle-kit";

export default defineConfig({
  dialect: "postgresql",
  schema: "./workers/gateway/src/adapters/records/postgres-schema.ts",
  // Overridden by `npm run migrations:check`, which generates into a copy.
  out: process.env.DRIZZLE_MIGRATIONS_OUT ?? "./migrations/postgres",
  migrations: { prefix: "timestamp" },
});
