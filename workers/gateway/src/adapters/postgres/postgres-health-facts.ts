// The operator dashboard's read of the records on PostgreSQL (queries in ../health-facts-queries.ts).
import type { HealthFactsSource, HealthWindow } from "#shared/payments/ports.ts";
import { probeQuery, readHealthFacts } from "../health-facts-queries.ts";
import { guarded, postgresDatabase } from "./postgres-client.ts";

export class PostgresHealthFacts implements HealthFactsSource {
  /** `connectionString`: the HYPERDRIVE binding's, for this request. */
  constructor(private readonly connectionString: string) {}

  async read(window: HealthWindow) {
    const db = postgresDatabase(this.connectionString);
    return readHealthFacts(window, async (query) => [...(await guarded(db.execute(query)))]);
  }

  /** The connection check's query: resolves when the store answers it. */
  async probe(): Promise<void> {
    await guarded(postgresDatabase(this.connectionString).execute(probeQuery));
  }
}
