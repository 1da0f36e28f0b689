// Kafka over REST behind one small interface (external-contracts §6). Two adapters: the
// `@upstash/kafka` produce protocol, and Confluent's v3 REST records API.
import { Kafka } from "@upstash/kafka";
import type { EventPublisher } from "#shared/payments/ports.ts";

export interface KafkaSettings {
  url: string;
  username: string;
  password: string;
  flavor: "upstash" | "confluent-v3";
  clusterId?: string;
  topicPrefix: string;
}

export function eventPublisher(settings: KafkaSettings): EventPublisher {
  return settings.flavor === "confluent-v3" ? confluentPublisher(settings) : upstashPublisher(settings);
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

function confluentPublisher(settings: KafkaSettings): EventPublisher {
  const authorization = `Basic ${btoa(`${settings.username}:${settings.password}`)}`;
  return {
    async publish(records) {
      for (const record of records) {
        const url = `${settings.url.replace(/\/$/, "")}/kafka/v3/clusters/${encodeURIComponent(settings.clusterId ?? "")}/topics/${encodeURIComponent(record.topic)}/records`;
        const response = await fetch(url, {
          method: "POST",
          headers: { authorization, "content-type": "application/json" },
          body: JSON.stringify({ key: { type: "STRING", data: record.key }, value: { type: "JSON", data: record.value } }),
          signal: AbortSignal.timeout(10_000),
        });
        const body = (await response.json().catch(() => ({}))) as { error_code?: number; message?: string };
        if (!response.ok || body.error_code !== 200) {
          throw new Error(
            `confluent-v3 produce to ${record.topic} failed: HTTP ${response.status} ${body.error_code ?? ""} ${body.message ?? ""}`,
          );
        }
      }
    },
  };
}
