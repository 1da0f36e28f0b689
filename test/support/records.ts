// Plain SQL on the payment records of whichever store this test project runs on: D1 (env.DB), or
// PostgreSQL when the HYPERDRIVE binding is there (this file's own schema, test/setup/postgres-schema.ts).
// For the checks a test makes around the gateway; the gateway itself goes through its RecordStore.
import { env } from "cloudflare:workers";
import postgres from "postgres";

export const recordsStore: "d1" | "postgres" = env.HYPERDRIVE ? "postgres" : "d1";

/** The statement with `?` placeholders (SQLite's), numbered for PostgreSQL. */
function numbered(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

// Not ended, as in test/setup/postgres-schema.ts. 8-byte integers (COUNT(*), BIGINT columns) read as numbers, as on D1.
let client: postgres.Sql | undefined;
function postgresClient(): postgres.Sql {
  client ??= postgres(env.HYPERDRIVE!.connectionString, {
    max: 1,
    onnotice: () => {},
    types: { int8: { to: 20, from: [20], serialize: (v: number) => String(v), parse: (v: string) => Number(v) } },
  });
  return client;
}

export async function queryRows<T = Record<string, unknown>>(sql: string, ...params: unknown[]): Promise<T[]> {
  if (recordsStore === "postgres") return (await postgresClient().unsafe(numbered(sql), params as never[])) as unknown as T[];
  return (
    await env.DB.prepare(sql)
      .bind(...params)
      .all<T>()
  ).results;
}

export async function queryRow<T = Record<string, unknown>>(sql: string, ...params: unknown[]): Promise<T | null> {
  return (await queryRows<T>(sql, ...params))[0] ?? null;
}

/** Runs a statement (no rows back): an UPDATE to make a retry due, an ALTER TABLE to break the store. */
export async function execute(sql: string, ...params: unknown[]): Promise<void> {
  await queryRows(sql, ...params);
}
