// The records on PostgreSQL (drizzle over postgres.js, through Hyperdrive): the executor the queries
// in ./record-store.ts run on. A unit of work is one statement; a claim locks the rows it takes
// and skips rows another claim holds (FOR UPDATE SKIP LOCKED), so overlapping drains and
// reconciliation runs never take one row twice; a second payment's insert waits for the first,
// then fails with 23505. The tables are ./tables.ts with PostgreSQL's builders.
import { asc, sql, type SQL, type SQLWrapper } from "drizzle-orm";
import { bigint, bigserial, check, index, integer, pgTable, primaryKey, text, unique } from "drizzle-orm/pg-core";
import type { HealthFactsSource, HealthWindow } from "#shared/payments/ports.ts";
import { probeQuery, readHealthFacts } from "./health-facts-queries.ts";
import { guarded, isUniqueViolation, postgresDatabase, storeUnavailable } from "./postgres-client.ts";
import { SqlRecordStore, type Executor, type RecordDb } from "./record-store.ts";
import { recordTables, type ColumnKit } from "./tables.ts";

// PostgreSQL's builders under the kit's SQLite-shaped type: the same calls, other column classes.
const postgresKit = {
  table: pgTable,
  text,
  int32: (name: string) => integer(name),
  // SQLite's INTEGER is 64-bit: bigint keeps payment ids and amounts in the same range.
  int64: (name: string) => bigint(name, { mode: "number" }),
  serialKey: (name: string) => bigserial(name, { mode: "number" }).primaryKey(),
  primaryKey,
  index,
  unique,
  check,
} as unknown as ColumnKit;

export const postgresTables = recordTables(postgresKit);

/**
 * `connectionString`: the HYPERDRIVE binding's, for this request. `sent`: told of each statement
 * once PostgreSQL has answered it (measured requests only).
 */
export function postgresRecordStore(connectionString: string, sent: () => void = () => undefined): SqlRecordStore {
  const pg = postgresDatabase(connectionString);
  const executor: Executor = {
    db: pg as unknown as RecordDb,
    tables: postgresTables,
    run: (query) => guarded(query).finally(sent),
    // Side by side on the request's pool: one round trip's wait.
    all: (queries) => Promise.all(queries.map((query) => guarded(query).finally(sent))) as never,
    // One statement, so one round trip: a transaction would cost BEGIN, each write and COMMIT.
    atomically: async (build) => {
      const writes = build(pg as unknown as RecordDb);
      if (writes.length > 0) await pg.execute(oneStatement(writes as unknown as SQLWrapper[])).finally(sent);
    },
    skipLocked: (select) =>
      (select as unknown as { for(strength: "update", config: { skipLocked: true }): typeof select }).for("update", { skipLocked: true }),
    slices: (ids) => (ids.length === 0 ? [] : [ids]),
    outboxOrder: (o) => [asc(o.createdAt), asc(o.eventId)],
    isUniqueViolation,
    storeUnavailable,
  };
  return new SqlRecordStore(executor);
}

/**
 * A unit of work's writes as one statement, each a data-modifying WITH clause: PostgreSQL runs a
 * statement all or nothing (a unique violation in any clause rolls back every other), and the
 * constraints are checked as for separate statements. The clauses see the database as it was
 * before the statement, so a unit of work never writes a row twice or reads its own writes (none does).
 */
function oneStatement(writes: SQLWrapper[]): SQL {
  if (writes.length === 1) return writes[0]!.getSQL();
  const clauses = writes.map((write, i) => sql`${sql.raw(`w${i}`)} AS (${write.getSQL()})`);
  return sql`WITH ${sql.join(clauses, sql`, `)} SELECT 1`;
}

/** The operator dashboard's read of the records on PostgreSQL, and the connection check's; a client per call. */
export function postgresHealthFacts(connectionString: string): HealthFactsSource & { probe(): Promise<void> } {
  return {
    read: (window: HealthWindow) => {
      const db = postgresDatabase(connectionString);
      return readHealthFacts(window, async (query) => [...(await guarded(db.execute(query)))]);
    },
    probe: async () => void (await guarded(postgresDatabase(connectionString).execute(probeQuery))),
  };
}
