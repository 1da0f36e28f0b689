// Numbers for the production dashboards: one point per request and per call to an outside system,
// behind one small port. Deployed, the gateway writes them to Workers Analytics Engine (queried
// through its SQL API, docs/operations.md); locally and in tests nothing is written unless a fake
// is plugged in.

export interface MetricPoint {
  kind: "request" | "outside-call";
  /**
   * A bounded name, never an id: the route as registered (`POST /ops/payments/:paymentId`) or the
   * outside system and its verb (`amk.verify`). It is the sampling index.
   */
  name: string;
  /** `ok`, or the error code the request or call ended with. */
  outcome: string;
  durationMs: number;
  /** The HTTP status answered (requests only). */
  status?: number;
}

export interface Metrics {
  /** Never throws and never waits: a metric must not fail or slow a payment. */
  record(point: MetricPoint): void;
}

export const noMetrics: Metrics = { record: () => {} };
