// The operator dashboard's read of the records on D1 (queries in ../health-facts-queries.ts).
import { drizzle } from "drizzle-orm/d1";
import type { HealthFactsSource, HealthWindow } from "#shared/payments/ports.ts";
import { probeQuery, readHealthFacts } from "../health-facts-queries.ts";
import { guarded } from "./d1-failures.ts";

export class D1HealthFacts implements HealthFactsSource {
  constructor(private readonly d1: D1Database) {}

  read(window: HealthWindow) {
    const db = drizzle(this.d1);
    return readHealthFacts(window, (query) => guarded(db.all(query)));
  }

  /** The connection check's query: resolves when the store answers it. */
  async probe(): Promise<void> {
    await guarded(drizzle(this.d1).all(probeQuery));
  }
}
