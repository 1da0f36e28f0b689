// The contract's Kafka topics, and the admin calls each REST flavor offers (docs/operations.md,
// "Kafka topics"): which topics exist (every flavor), and creating one (Confluent REST v3 only; the
// v2 REST proxy and Upstash's produce API cannot). Plain fetch, no retries: used by the gateway's
// connection check (GET /ops/health) and by `npm run kafka:topics`. Never produces anything.
import type { EventType } from "../../events/payment-events.ts";

export type KafkaFlavor = "upstash" | "confluent-v3" | "rest-v2";

export interface KafkaAdminSettings {
  url: string;
  username: string;
  password: string;
  flavor: KafkaFlavor;
  clusterId?: string;
}

export interface TopicPolicy {
  partitions: number;
  /** retention.ms */
  retentionMs: number;
}

const DAY_MS = 24 * 60 * 60_000;

/**
 * Every topic the gateway publishes to (after the environment's prefix), with its partitions and
 * retention. Records are keyed by policy number, so one policy's events stay in order on one
 * partition; six partitions leave room for consumers to scale. Payment events are kept a week,
 * exceptions a month (people act on them, sometimes late).
 */
export const CONTRACT_TOPICS: Record<EventType, TopicPolicy> = {
  "gateway.payment.confirmed": { partitions: 6, retentionMs: 7 * DAY_MS },
  "gateway.payment.verified": { partitions: 6, retentionMs: 7 * DAY_MS },
  "gateway.payment.success": { partitions: 6, retentionMs: 7 * DAY_MS },
  "khqr.generated-event": { partitions: 6, retentionMs: 7 * DAY_MS },
  "gateway.payment.exception": { partitions: 6, retentionMs: 30 * DAY_MS },
  "gateway.payment.exception-resolved": { partitions: 6, retentionMs: 30 * DAY_MS },
};

/** Confluent Cloud's required replication; a self-managed cluster with fewer brokers needs less. */
export const REPLICATION_FACTOR = 3;

export const contractTopicNames = (prefix: string) => Object.keys(CONTRACT_TOPICS).map((type) => `${prefix}${type}`);

export const canCreateTopics = (flavor: KafkaFlavor) => flavor === "confluent-v3";

export class KafkaAdminError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "KafkaAdminError";
  }
}

const base = (settings: KafkaAdminSettings) => settings.url.replace(/\/$/, "");
const v3Topics = (settings: KafkaAdminSettings) =>
  `${base(settings)}/kafka/v3/clusters/${encodeURIComponent(settings.clusterId ?? "")}/topics`;

function headers(settings: KafkaAdminSettings, extra: Record<string, string> = {}): Record<string, string> {
  const accept = settings.flavor === "rest-v2" ? "application/vnd.kafka.v2+json" : "application/json";
  return { authorization: `Basic ${btoa(`${settings.username}:${settings.password}`)}`, accept, ...extra };
}

async function call(
  settings: KafkaAdminSettings,
  url: string,
  init: RequestInit,
  timeoutMs: number,
): Promise<{ status: number; body: unknown }> {
  let response: Response;
  try {
    response = await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
  } catch (error) {
    const reason = error instanceof Error && error.name === "TimeoutError" ? `no answer within ${timeoutMs} ms` : String(error);
    throw new KafkaAdminError(`Kafka REST (${settings.flavor}) unreachable: ${reason}`);
  }
  const body: unknown = await response.json().catch(() => undefined);
  return { status: response.status, body };
}

function refused(settings: KafkaAdminSettings, what: string, status: number, body: unknown): KafkaAdminError {
  const message = (body as { message?: unknown; error?: unknown } | undefined)?.message ?? (body as { error?: unknown } | undefined)?.error;
  const credentials = status === 401 || status === 403 ? " (KAFKA_REST_USERNAME / KAFKA_REST_PASSWORD)" : "";
  return new KafkaAdminError(
    `Kafka REST (${settings.flavor}) ${what}: HTTP ${status}${message ? ` ${String(message)}` : ""}${credentials}`,
  );
}

/** The topics the cluster has, with their partition counts where the flavor tells them. */
export async function listTopics(settings: KafkaAdminSettings, timeoutMs = 10_000): Promise<Map<string, number | null>> {
  switch (settings.flavor) {
    case "confluent-v3": {
      // GET /kafka/v3/clusters/{id}/topics → {"kind": "KafkaTopicList", "data": [{"topic_name", "partitions_count", …}]}
      const { status, body } = await call(settings, v3Topics(settings), { headers: headers(settings) }, timeoutMs);
      const data = (body as { data?: { topic_name?: unknown; partitions_count?: unknown }[] } | undefined)?.data;
      if (status !== 200 || !Array.isArray(data)) throw refused(settings, "listing topics", status, body);
      return new Map(data.map((t) => [String(t.topic_name), typeof t.partitions_count === "number" ? t.partitions_count : null]));
    }
    case "rest-v2": {
      // GET /topics → ["topic", …]
      const { status, body } = await call(settings, `${base(settings)}/topics`, { headers: headers(settings) }, timeoutMs);
      if (status !== 200 || !Array.isArray(body)) throw refused(settings, "listing topics", status, body);
      return new Map(body.map((name) => [String(name), null]));
    }
    default: {
      // GET /topics → {"topic": partitions, …} (the Admin API of @upstash/kafka)
      const { status, body } = await call(settings, `${base(settings)}/topics`, { headers: headers(settings) }, timeoutMs);
      if (status !== 200 || typeof body !== "object" || body === null || Array.isArray(body))
        throw refused(settings, "listing topics", status, body);
      return new Map(Object.entries(body).map(([name, partitions]) => [name, typeof partitions === "number" ? partitions : null]));
    }
  }
}

/**
 * Creates one topic (Confluent REST v3: POST /kafka/v3/clusters/{id}/topics). A topic that exists
 * already (error_code 40002, e.g. created meanwhile by someone else) is not an error.
 */
export async function createTopic(
  settings: KafkaAdminSettings,
  name: string,
  policy: TopicPolicy,
  timeoutMs = 10_000,
): Promise<"created" | "exists"> {
  if (!canCreateTopics(settings.flavor)) throw new KafkaAdminError(`the ${settings.flavor} REST API cannot create topics`);
  const { status, body } = await call(
    settings,
    v3Topics(settings),
    {
      method: "POST",
      headers: headers(settings, { "content-type": "application/json" }),
      body: JSON.stringify({
        topic_name: name,
        partitions_count: policy.partitions,
        replication_factor: REPLICATION_FACTOR,
        configs: [
          { name: "retention.ms", value: String(policy.retentionMs) },
          { name: "cleanup.policy", value: "delete" },
        ],
      }),
    },
    timeoutMs,
  );
  if (status === 201 || status === 200) return "created";
  if (status === 400 && (body as { error_code?: unknown } | undefined)?.error_code === 40002) return "exists";
  throw refused(settings, `creating ${name}`, status, body);
}
