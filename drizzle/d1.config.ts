// drizzle-kit for the D1 tables: `npm run migrations` (scripts/migrations.ts) writes the next
// migration into migrations/, where `wrangler d1 migrations apply` and the tests' readD1Migrations
// take every *.sql in name order (meta/ is not read). Timestamped names sort after the hand-written
// 0001..0007. migrations/meta/ starts from a baseline snapshot of the schema those files built;
// the baseline's own SQL (CREATE TABLE of what exists) was deleted: see README "Changing the schema".
import { defineConfig } from "drizzle-kit";

export default defineConfig({
  dialect: "sqlite",
  schema: "./workers/gateway/src/adapters/records/d1-schema.ts",
  // Overridden by `npm run migrations:check`, which generates into a copy.
  out: process.env.DRIZZLE_MIGRATIONS_OUT ?? "./migrations",
  migrations: { prefix: "timestamp" },
});
