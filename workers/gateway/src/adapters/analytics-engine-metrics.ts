// The Metrics port on Workers Analytics Engine (binding METRICS, deployed environments only). One
// data point per request or outside call: index = the bounded name (route or outside system),
// blobs = [environment, kind, name, outcome], doubles = [durationMs, status]. Analytics Engine's
// limits are checked here, so an oversized point is dropped with a log line instead of throwing
// inside a payment.
import type { MetricPoint, Metrics } from "#shared/platform/metrics.ts";

/** Cloudflare's limits on writeDataPoint (developers.cloudflare.com/analytics/analytics-engine/limits/). */
export const ANALYTICS_ENGINE_LIMITS = { indexBytes: 96, blobs: 20, doubles: 20, blobBytes: 16 * 1024, pointsPerInvocation: 250 };

const bytes = (text: string) => new TextEncoder().encode(text).length;

/** The data point for a metric, or why it cannot be written. */
export function dataPointOf(point: MetricPoint, environment: string): AnalyticsEngineDataPoint | { refused: string } {
  if (bytes(point.name) > ANALYTICS_ENGINE_LIMITS.indexBytes) return { refused: `index over ${ANALYTICS_ENGINE_LIMITS.indexBytes} bytes` };
  const blobs = [environment, point.kind, point.name, point.outcome];
  if (blobs.reduce((total, blob) => total + bytes(blob), 0) > ANALYTICS_ENGINE_LIMITS.blobBytes) return { refused: "blobs too large" };
  if (!Number.isFinite(point.durationMs)) return { refused: "duration is not a number" };
  return { indexes: [point.name], blobs, doubles: [point.durationMs, point.status ?? 0] };
}

export class AnalyticsEngineMetrics implements Metrics {
  private written = 0;
  private dropped = 0;

  /** One per invocation: Analytics Engine takes at most 250 points from one. */
  constructor(
    private readonly dataset: AnalyticsEngineDataset,
    private readonly environment: string,
  ) {}

  record(point: MetricPoint): void {
    const dataPoint = dataPointOf(point, this.environment);
    if ("refused" in dataPoint) return this.drop(point, dataPoint.refused);
    if (this.written >= ANALYTICS_ENGINE_LIMITS.pointsPerInvocation) return this.drop(point, "over the points of one invocation");
    try {
      this.dataset.writeDataPoint(dataPoint);
      this.written += 1;
    } catch (error) {
      this.drop(point, String(error));
    }
  }

  /** The first drop of an invocation is logged; the rest only counted, so a flood cannot flood the log. */
  private drop(point: MetricPoint, reason: string): void {
    this.dropped += 1;
    if (this.dropped === 1) console.log(JSON.stringify({ service: "gateway", metrics: "dropped", name: point.name.slice(0, 96), reason }));
  }
}
