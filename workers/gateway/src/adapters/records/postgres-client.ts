// One PostgreSQL client per request, through the HYPERDRIVE binding, and how its failures read.
// The only gateway code that needs Node built-ins (postgres.js runs on `nodejs_compat`).
import { drizzle, type PostgresJsDatabase } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import { PaymentError } from "#shared/payments/errors.ts";

export type PostgresDatabase = PostgresJsDatabase;

/**
 * A client for this request only: workerd refuses I/O on a socket opened by another request, so
 * it is never kept at module scope. Hyperdrive pools the real connections; `prepare` stays on (its
 * query cache and postgres.js both depend on it), a few sockets suffice, and no `end()` is needed.
 */
export function postgresDatabase(connectionString: string): PostgresDatabase {
  return drizzle(postgres(connectionString, { max: 5, prepare: true, fetch_types: false }));
}

/** The SQLSTATE of a PostgreSQL error, looked for through drizzle's wrapping. */
function sqlState(error: unknown): string | undefined {
  for (let e: unknown = error; e instanceof Error; e = e.cause) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string" && /^[0-9A-Z]{5}$/.test(code)) return code;
  }
  return undefined;
}

export function isUniqueViolation(error: unknown): boolean {
  return sqlState(error) === "23505";
}

/** The record store failed (not our input): 503, so the bank retries, the cause in the log. */
export function storeUnavailable(error: unknown): PaymentError {
  const state = sqlState(error);
  return new PaymentError("SERVER_UNAVAILABLE", "The payment store is unavailable; retry later", {
    reason: `PostgreSQL${state ? ` ${state}` : ""}: ${String(error)}`,
  });
}

/** Awaits a query, turning a store failure into SERVER_UNAVAILABLE. */
export async function guarded<T>(query: PromiseLike<T>): Promise<T> {
  try {
    return await query;
  } catch (error) {
    throw error instanceof PaymentError ? error : storeUnavailable(error);
  }
}
