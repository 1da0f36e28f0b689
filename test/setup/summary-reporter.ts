// Prints one plain closing line, `tests: N passed, N failed`, that any CI can read, after one line
// per record store the workerd tests ran on (vitest.config.ts's projects: d1, postgres).
import type { Reporter, SerializedError, TestModule } from "vitest/node";

interface Counts {
  passed: number;
  failed: number;
  skipped: number;
}

const line = ({ passed, failed, skipped }: Counts) => `${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`;

export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<SerializedError> = []) {
    const total: Counts = { passed: 0, failed: 0, skipped: 0 };
    const byStore = new Map<string, Counts>();
    for (const module of testModules) {
      const store = module.project.name || "default";
      const counts = byStore.get(store) ?? { passed: 0, failed: 0, skipped: 0 };
      byStore.set(store, counts);
      for (const test of module.children.allTests()) {
        const state = test.result().state;
        const key = state === "passed" ? "passed" : state === "failed" ? "failed" : "skipped";
        counts[key] += 1;
        total[key] += 1;
      }
    }
    console.log("");
    for (const [store, counts] of [...byStore].sort(([a], [b]) => a.localeCompare(b))) console.log(`  on ${store}: ${line(counts)}`);
    // A setup that failed (PostgreSQL unreachable) runs no test: the run fails, and says why here.
    if (unhandledErrors.length > 0) console.log(`  errors outside any test: ${unhandledErrors.length} (the run fails)`);
    console.log(`tests: ${line(total)}`);
  }
}
