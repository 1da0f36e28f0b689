// The records on D1 (drizzle): the executor the queries in ./record-store.ts run on. D1 has no
// interactive transactions, so a unit of work is one batch (atomic), reads that go together are one
// batch too, and lists of ids go in slices of what one statement binds.
import type { BatchItem } from "drizzle-orm/batch";
import { asc, type SQL } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import type { HealthFactsSource, HealthWindow } from "#shared/payments/ports.ts";
import { guarded, inSlices, storeUnavailable } from "./d1-failures.ts";
import { probeQuery, readHealthFacts } from "./health-facts-queries.ts";
import { SqlRecordStore, type Executor, type RecordDb } from "./record-store.ts";
import { recordTables, sqliteKit } from "./tables.ts";

export const d1Tables = recordTables(sqliteKit);

type Batch = [BatchItem<"sqlite">, ...BatchItem<"sqlite">[]];

/** `sent`: told of each statement or batch once D1 has answered it (measured requests only). */
function d1Executor(d1: D1Database, sent: () => void = () => undefined): Executor {
  const db = drizzle(d1);
  return {
    db: db as unknown as RecordDb,
    tables: d1Tables,
    run: (query) => guarded(query).finally(sent),
    async all<T extends unknown[]>(queries: { [K in keyof T]: PromiseLike<T[K]> }) {
      if (queries.length === 0) return [] as unknown as T;
      return (await guarded(db.batch(queries as unknown as Batch)).finally(sent)) as unknown as T;
    },
    async atomically(build) {
      const writes = build(db as unknown as RecordDb);
      if (writes.length > 0) await db.batch(writes as unknown as Batch).finally(sent);
    },
    skipLocked: (select) => select,
    slices: inSlices,
    outboxOrder: (o): SQL[] => [asc(o.createdAt)],
    isUniqueViolation,
    storeUnavailable,
  };
}

export function d1RecordStore(d1: D1Database, sent?: () => void): SqlRecordStore {
  return new SqlRecordStore(d1Executor(d1, sent));
}

function isUniqueViolation(error: unknown): boolean {
  for (let e: unknown = error; e instanceof Error; e = e.cause) {
    if (/UNIQUE constraint failed/i.test(e.message)) return true;
  }
  return false;
}

/** The operator dashboard's read of the records on D1, and the connection check's. */
export function d1HealthFacts(d1: D1Database): HealthFactsSource & { probe(): Promise<void> } {
  const db = drizzle(d1);
  return {
    read: (window: HealthWindow) => readHealthFacts(window, (query) => guarded(db.all(query))),
    probe: async () => void (await guarded(db.all(probeQuery))),
  };
}
