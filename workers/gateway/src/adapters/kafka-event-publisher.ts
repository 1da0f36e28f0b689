// Kafka over REST behind one small interface (docs/contracts.md, "Kafka"). Three flavors: the
// `@upstash/kafka` produce protocol, Confluent's v3 records API, and the REST Proxy v2 API that a
// self-hosted Kafka exposes (Confluent REST Proxy, Karapace, Redpanda). A record counts as
// delivered only when the broker says so for that record: an HTTP 200 can still carry a failed
// delivery report, which is a failure like a 5xx.
import { Kafka } from "@upstash/kafka";
import type { EventPublisher, OutgoingRecord } from "#shared/payments/ports.ts";

export type KafkaFlavor = "upstash" | "confluent-v3" | "rest-v2";

export interface KafkaSettings {
  url: string;
  username: string;
  password: string;
  flavor: KafkaFlavor;
  clusterId?: string;
  topicPrefix: string;
}

/** One produce request's own bound, inside the delivery run's per-publish limit (deliver-events.ts). */
const PRODUCE_TIMEOUT_MS = 10_000;

export function eventPublisher(settings: KafkaSettings): EventPublisher {
  switch (settings.flavor) {
    case "confluent-v3":
      return restPublisher(settings, confluentV3);
    case "rest-v2":
      return restPublisher(settings, restV2);
    default:
      return upstashPublisher(settings);
  }
}

function upstashPublisher(settings: KafkaSettings): EventPublisher {
  const producer = new Kafka({ url: settings.url, username: settings.username, password: settings.password }).producer();
  return {
    async publish(records) {
      if (records.length === 0) return;
      await producer.produceMany(
        records.map((r) => ({
          topic: r.topic,
          key: r.key,
          value: JSON.stringify(r.value),
          headers: [{ key: "eventId", value: r.eventId }],
        })),
      );
    },
  };
}

/** How one REST flavor writes a record and reads the broker's verdict on it. */
interface RestFlavor {
  request(settings: KafkaSettings, record: OutgoingRecord): { url: string; contentType: string; body: unknown };
  /** Why the broker did not take the record, or undefined when it did. */
  failure(status: number, body: unknown): string | undefined;
}

const confluentV3: RestFlavor = {
  request: (settings, record) => ({
    url: `${base(settings)}/kafka/v3/clusters/${encodeURIComponent(settings.clusterId ?? "")}/topics/${encodeURIComponent(record.topic)}/records`,
    contentType: "application/json",
    body: {
      key: { type: "STRING", data: record.key },
      value: { type: "JSON", data: record.value },
      headers: [{ name: "eventId", value: btoa(record.eventId) }],
    },
  }),
  failure(status, body) {
    const report = body as { error_code?: unknown; message?: unknown } | undefined;
    if (status === 200 && report?.error_code === 200) return undefined;
    return `HTTP ${status}, delivery report ${String(report?.error_code ?? "absent")} ${String(report?.message ?? "")}`.trim();
  },
};

const restV2: RestFlavor = {
  request: (settings, record) => ({
    url: `${base(settings)}/topics/${encodeURIComponent(record.topic)}`,
    contentType: "application/vnd.kafka.json.v2+json",
    body: { records: [{ key: record.key, value: record.value }] },
  }),
  failure(status, body) {
    const offsets = (body as { offsets?: { error_code?: unknown; error?: unknown }[] } | undefined)?.offsets;
    const offset = Array.isArray(offsets) ? offsets[0] : undefined;
    if (status === 200 && offset && offset.error_code == null) return undefined;
    const reply = body as { error_code?: unknown; message?: unknown } | undefined;
    return `HTTP ${status}, offset error ${String(offset?.error_code ?? reply?.error_code ?? "absent")} ${String(offset?.error ?? reply?.message ?? "")}`.trim();
  },
};

function restPublisher(settings: KafkaSettings, flavor: RestFlavor): EventPublisher {
  const authorization = `Basic ${btoa(`${settings.username}:${settings.password}`)}`;
  return {
    async publish(records) {
      for (const record of records) {
        const { url, contentType, body } = flavor.request(settings, record);
        const response = await fetch(url, {
          method: "POST",
          headers: { authorization, "content-type": contentType, accept: "application/json" },
          body: JSON.stringify(body),
          signal: AbortSignal.timeout(PRODUCE_TIMEOUT_MS),
        });
        // A 429 or an error page may not be JSON at all.
        const reply = await response.json().catch(() => undefined);
        const failure = flavor.failure(response.status, reply);
        if (failure) throw new Error(`${settings.flavor} produce to ${record.topic} failed: ${failure}`);
      }
    },
  };
}

function base(settings: KafkaSettings): string {
  return settings.url.replace(/\/$/, "");
}
