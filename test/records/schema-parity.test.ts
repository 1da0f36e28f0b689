// The two dialects' migrations describe the same records: every D1 table, column and index has its
// PostgreSQL twin, and nothing more (migrations/ is the source of truth, migrations/postgres/ follows).
// And the drizzle schema the queries trust declares what each database enforces after its migrations.
import { applyD1Migrations } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { getTableConfig as pgTableConfig, type PgTable } from "drizzle-orm/pg-core";
import { getTableConfig as sqliteTableConfig } from "drizzle-orm/sqlite-core";
import { d1Tables } from "../../workers/gateway/src/adapters/records/d1.ts";
import { postgresTables } from "../../workers/gateway/src/adapters/records/postgres.ts";
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

/** A table as the checks below compare it: columns (with NOT NULL), primary key, indexes, UNIQUEs and CHECKs, one line each. */
type Shape = string[];

interface Declared {
  name: string;
  columns: { name: string; notNull: boolean; primary: boolean }[];
  primaryKeys: { columns: { name: string }[] }[];
  indexes: { config: { name: string; columns: unknown[]; where?: unknown } }[];
  uniqueConstraints: { columns: { name: string }[] }[];
  checks: { name: string }[];
}

/** What the drizzle schema (workers/gateway/src/adapters/records/tables.ts) declares, as one dialect builds it. */
function declaredShape(configs: Declared[], checks: "named" | "counted"): Shape {
  const lines: string[] = [];
  for (const t of configs) {
    for (const c of t.columns) lines.push(`${t.name}.${c.name}${c.notNull ? " not null" : ""}`);
    const pk = t.columns.filter((c) => c.primary).map((c) => c.name);
    for (const key of t.primaryKeys) pk.push(...key.columns.map((c) => c.name));
    lines.push(`${t.name} primary key (${pk.join(", ")})`);
    for (const { config } of t.indexes) {
      const columns = config.columns.map((c) => (c as { name: string }).name).join(", ");
      lines.push(`${t.name} index ${config.name} (${columns})${config.where ? " partial" : ""}`);
    }
    for (const u of t.uniqueConstraints) lines.push(`${t.name} unique (${u.columns.map((c) => c.name).join(", ")})`);
    if (checks === "named") for (const c of t.checks) lines.push(`${t.name} check ${c.name}`);
    else lines.push(`${t.name} checks: ${t.checks.length}`);
  }
  return lines.sort();
}

/** The D1 database after migrations/, as SQLite reports it (CHECKs have no names there: counted from the table's SQL). */
async function d1Reported(): Promise<Shape> {
  await applyD1Migrations(env.DB, env.TEST_MIGRATIONS);
  const all = async <T>(sql: string, ...params: unknown[]) =>
    (
      await env.DB.prepare(sql)
        .bind(...params)
        .all<T>()
    ).results;
  const tables = await all<{ name: string; sql: string }>(
    "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'd1_%' AND name NOT LIKE '_cf_%'",
  );
  const lines: string[] = [];
  for (const { name: table, sql } of tables) {
    const columns = await all<{ name: string; notnull: number; pk: number }>("SELECT name, [notnull], pk FROM pragma_table_info(?)", table);
    for (const c of columns) lines.push(`${table}.${c.name}${c.notnull || c.pk ? " not null" : ""}`);
    const pk = columns.filter((c) => c.pk > 0).sort((a, b) => a.pk - b.pk);
    lines.push(`${table} primary key (${pk.map((c) => c.name).join(", ")})`);
    for (const index of await all<{ name: string; origin: string; partial: number }>(
      "SELECT name, origin, partial FROM pragma_index_list(?)",
      table,
    )) {
      if (index.origin === "pk") continue;
      const columns = (await all<{ name: string }>("SELECT name FROM pragma_index_info(?) ORDER BY seqno", index.name))
        .map((c) => c.name)
        .join(", ");
      if (index.origin === "u") lines.push(`${table} unique (${columns})`);
      else lines.push(`${table} index ${index.name} (${columns})${index.partial ? " partial" : ""}`);
    }
    lines.push(`${table} checks: ${sql.match(/\bCHECK\s*\(/gi)?.length ?? 0}`);
  }
  return lines.sort();
}

/** This file's PostgreSQL schema after migrations/postgres/, as PostgreSQL reports it. */
async function postgresReported(): Promise<Shape> {
  const lines: string[] = [];
  const columns = await queryRows<{ t: string; c: string; nullable: string }>(
    "SELECT table_name AS t, column_name AS c, is_nullable AS nullable FROM information_schema.columns WHERE table_schema = current_schema()",
  );
  for (const c of columns) lines.push(`${c.t}.${c.c}${c.nullable === "NO" ? " not null" : ""}`);
  const keys = await queryRows<{ t: string; kind: string; columns: string }>(
    `SELECT tc.table_name AS t, tc.constraint_type AS kind, string_agg(k.column_name, ', ' ORDER BY k.ordinal_position) AS columns
     FROM information_schema.table_constraints tc
     JOIN information_schema.key_column_usage k ON k.constraint_schema = tc.constraint_schema AND k.constraint_name = tc.constraint_name
     WHERE tc.table_schema = current_schema() AND tc.constraint_type IN ('PRIMARY KEY', 'UNIQUE')
     GROUP BY tc.table_name, tc.constraint_name, tc.constraint_type`,
  );
  for (const k of keys) lines.push(`${k.t} ${k.kind === "UNIQUE" ? "unique" : "primary key"} (${k.columns})`);
  const indexes = await queryRows<{ t: string; name: string; def: string }>(
    "SELECT tablename AS t, indexname AS name, indexdef AS def FROM pg_indexes WHERE schemaname = current_schema() AND indexname NOT LIKE '%\\_pkey' AND indexname NOT LIKE '%\\_key'",
  );
  for (const i of indexes) {
    const columns = /USING \w+ \(([^)]*)\)/.exec(i.def)?.[1] ?? "";
    lines.push(`${i.t} index ${i.name} (${columns})${/ WHERE /.test(i.def) ? " partial" : ""}`);
  }
  const checks = await queryRows<{ t: string; name: string }>(
    "SELECT rel.relname AS t, con.conname AS name FROM pg_constraint con JOIN pg_class rel ON rel.oid = con.conrelid WHERE con.contype = 'c' AND rel.relnamespace = current_schema()::regnamespace",
  );
  for (const c of checks) lines.push(`${c.t} check ${c.name}`);
  // The migration runner's own table (scripts/migrate-postgres.ts) is not a payment record.
  return lines.filter((line) => !line.startsWith("schema_migrations")).sort();
}

describe("the drizzle schema", () => {
  it("declares what migrations/ makes of D1: columns, keys, indexes, UNIQUEs and CHECKs", async () => {
    expect(await d1Reported()).toEqual(declaredShape(Object.values(d1Tables).map(sqliteTableConfig), "counted"));
  });

  it("declares what migrations/postgres/ makes of PostgreSQL: columns, keys, indexes, UNIQUEs and CHECKs", async () => {
    const configs = Object.values(postgresTables).map((table) => pgTableConfig(table as unknown as PgTable));
    expect(await postgresReported()).toEqual(declaredShape(configs as unknown as Declared[], "named"));
  });
});
