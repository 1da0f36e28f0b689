// After each cron drain: when the oldest event still waiting for Kafka is older than the alert
// rule's 5 minutes, one `"alert":"outbox-lag"` log line a minute, which a Workers Observability
// alert counts (docs/operations.md). The dashboard reads the same condition from the records.
import { ALERT_RULES } from "#shared/payments/operations-health.ts";
import type { EventOutbox } from "#shared/payments/ports.ts";

export async function reportOutboxLag(outbox: EventOutbox, now: Date): Promise<void> {
  const [oldest] = await outbox.list("pending", 1);
  if (!oldest) return;
  const oldestPendingSeconds = Math.floor((now.getTime() - Date.parse(oldest.createdAt)) / 1000);
  if (oldestPendingSeconds <= ALERT_RULES.outboxLagSeconds) return;
  console.log(
    JSON.stringify({ service: "gateway", alert: "outbox-lag", oldestPendingSeconds, eventId: oldest.eventId, type: oldest.type }),
  );
}
