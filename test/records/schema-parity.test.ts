// The two dialects' migrations describe the same records: every D1 table, column and index has its
// PostgreSQL twin, and nothing more (migrations/ is the source of truth, migrations/postgres/ follows).
import { applyD1Migrations } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { queryRows } from "../support/records.ts";

async function d1Shape(): Promise<{ columns: string[]; indexes: string[] }> {
  await applyD1Migrations(env.DB, env.TEST_MIGRATIONS);
  const tables = (
    await env.DB.prepare(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'd1_%' AND name NOT LIKE '_cf_%'",
    ).all<{
      name: string;
    }>()
  ).results.map((t) => t.name);
  const columns: string[] = [];
  for (const table of tables) {
    const info = await env.DB.prepare(`SELECT name FROM pragma_table_info(?)`).bind(table).all<{ name: string }>();
    columns.push(...info.results.map((c) => `${table}.${c.name}`));
  }
  const indexes = await env.DB.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL").all<{ name: string }>();
  return { columns: columns.sort(), indexes: indexes.results.map((i) => i.name).sort() };
}

async function postgresShape(): Promise<{ columns: string[]; indexes: string[] }> {
  const columns = await queryRows<{ name: string }>(
    "SELECT table_name || '.' || column_name AS name FROM information_schema.columns WHERE table_schema = current_schema()",
  );
  // Indexes we named; PostgreSQL's own for primary keys and UNIQUE constraints end in _pkey/_key.
  const indexes = await queryRows<{ name: string }>(
    "SELECT indexname AS name FROM pg_indexes WHERE schemaname = current_schema() AND indexname NOT LIKE '%\\_pkey' AND indexname NOT LIKE '%\\_key'",
  );
  return { columns: columns.map((c) => c.name).sort(), indexes: indexes.map((i) => i.name).sort() };
}

// Runs in the postgres project only (vitest.config.ts), where the file has both stores.
describe("the PostgreSQL migrations", () => {
  it("have the D1 migrations' tables, columns and named indexes", async () => {
    expect(await postgresShape()).toEqual(await d1Shape());
  });
});
