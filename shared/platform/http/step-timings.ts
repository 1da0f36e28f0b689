// Where a request's time goes, for `npm run bench` only (MEASURE_REQUESTS=true, both workers):
// every call to an outside system (records, idempotency object, KV, AMK, Integration Service, rate
// limiter, the gateway over RPC) is timed, and so is our own heavy work (`cpu.*` steps, such as
// drawing a QR's PNG), and reported in the response's Server-Timing header with the handler's total.
//
// Under wrangler dev the clock runs, in whole milliseconds, so the handler total less the outside
// calls is the handler's own CPU, and a quick call can last 0 ms. (On Cloudflare a Worker's clock
// advances only at I/O; these timings are for local runs.)
import { callOrder, observeCalls } from "../observed-calls.ts";

export class StepTimings {
  private readonly steps = new Map<string, { ms: number; calls: number }>();
  /** Where each step began and ended in callOrder(), for counting the round trips a request waited on one after another. */
  private readonly spans: { step: string; started: number; ended: number }[] = [];

  /** A step that took `ms` and ends now; `started`: its place in callOrder() when it began. */
  add(step: string, ms: number, started: number): void {
    const entry = this.steps.get(step) ?? { ms: 0, calls: 0 };
    entry.ms += ms;
    entry.calls += 1;
    this.steps.set(step, entry);
    const ended = callOrder();
    this.spans.push({ step, started, ended });
  }

  /**
   * The sequential round trips among the steps `counted` selects that have finished so far: a call
   * that began before the calls under way were all answered was waited on together with them, and
   * is the same round trip. Read in call order, not by the clock: in workerd a call answered within
   * the same millisecond lasts 0 ms, and its neighbour then looked like the next round trip. Read
   * when the answer is ready, it leaves out the work after the answer (a call still running then was
   * not waited on).
   */
  roundTrips(counted: (step: string) => boolean): number {
    const spans = this.spans.filter((s) => counted(s.step)).sort((a, b) => a.started - b.started);
    let trips = 0;
    let busyUntil = -Infinity;
    for (const span of spans) {
      if (span.started > busyUntil) trips += 1;
      busyUntil = Math.max(busyUntil, span.ended);
    }
    return trips;
  }

  /** `step;dur=ms` per step, then `handler;dur=ms` (RFC Server-Timing). */
  header(handlerMs: number): string {
    const parts = [...this.steps].map(
      ([step, { ms, calls }]) => `${step};dur=${ms.toFixed(2)};desc="${calls} call${calls > 1 ? "s" : ""}"`,
    );
    return [...parts, `handler;dur=${handlerMs.toFixed(2)}`].join(", ");
  }
}

/** `port` with every method that returns a promise timed as `name.method`. */
export function timed<T extends object>(port: T, name: string, timings: StepTimings): T {
  return observeCalls(port, (method, ms, _failure, _answer, started) => timings.add(`${name}.${method}`, ms, started));
}

/** Synchronous work of our own, timed as `step` (e.g. `cpu.qr-png`) when the request is measured. */
export function timedWork<T>(steps: StepTimings | undefined, step: string, work: () => T): T {
  if (!steps) return work();
  const started = performance.now();
  const order = callOrder();
  try {
    return work();
  } finally {
    steps.add(step, performance.now() - started, order);
  }
}
