// The topics the Kafka stand-in has, and the admin endpoints each REST flavor offers on them, in
// those APIs' own shapes (docs/operations.md, "Kafka topics"):
//   GET  /kafka/kafka/v3/clusters/{cluster}/topics          Confluent v3: {"kind":"KafkaTopicList","data":[…]}
//   GET  /kafka/kafka/v3/clusters/{cluster}/topics/{topic}  Confluent v3: one KafkaTopic, or 404 error_code 40403
//   POST /kafka/kafka/v3/clusters/{cluster}/topics          Confluent v3: create, 201; existing: 400 error_code 40002
//   GET  /kafka/topics   Accept: application/vnd.kafka.v2+json   REST Proxy v2: ["topic", …]
//   GET  /kafka/topics/{topic}                                   REST Proxy v2: {"name","configs","partitions"}, or 404 error_code 40401
//   GET  /kafka/topics   (any other Accept)                      Upstash's admin API: {"topic": partitions, …}
// The v2 proxy and Upstash cannot create topics. A produce to an unknown topic creates it with the
// broker's defaults, as Kafka's auto.create.topics.enable does; the environment's own topics
// (KAFKA_TOPIC_PREFIX) exist from the start, as after `npm run kafka:topics`.
import { json, readJson } from "../http.ts";

interface Topic {
  name: string;
  partitions: number;
  replicationFactor: number;
  configs: Record<string, string>;
}

const BROKER_DEFAULT_PARTITIONS = 6;
const V2_HEADERS = { "content-type": "application/vnd.kafka.v2+json" };
export const CONFLUENT_V3_TOPICS = /^\/kafka\/kafka\/v3\/clusters\/([^/]+)\/topics(?:\/([^/]+))?$/;
export const REST_V2_TOPICS = /^\/kafka\/topics(?:\/([^/]+))?$/;

export class TopicRegistry {
  readonly #topics = new Map<string, Topic>();

  constructor(initial: string[]) {
    for (const name of initial) this.ensure(name);
  }

  /** The produce path's auto-creation. */
  ensure(name: string): void {
    if (!this.#topics.has(name)) this.#topics.set(name, { name, partitions: BROKER_DEFAULT_PARTITIONS, replicationFactor: 3, configs: {} });
  }

  /** Confluent REST v3 (cluster id checked against the configured one). */
  async confluentV3(req: Request, url: URL, path: RegExpExecArray, clusterId: string): Promise<Response> {
    const [, cluster, topicName] = path;
    if (decodeURIComponent(cluster!) !== clusterId)
      return json({ error_code: 404, message: `Cluster ${decodeURIComponent(cluster!)} cannot be found.` }, 404);
    const self = `${url.origin}/kafka/kafka/v3/clusters/${cluster}/topics`;
    if (req.method === "GET" && topicName === undefined) {
      const data = [...this.#topics.values()].sort((a, b) => a.name.localeCompare(b.name)).map((t) => v3Topic(t, self, clusterId));
      return json({ kind: "KafkaTopicList", metadata: { self, next: null }, data });
    }
    if (req.method === "GET") {
      const topic = this.#topics.get(decodeURIComponent(topicName!));
      if (!topic) return json({ error_code: 40403, message: "This server does not host this topic-partition." }, 404);
      return json(v3Topic(topic, self, clusterId));
    }
    if (req.method === "POST" && topicName === undefined) {
      const body = (await readJson(req)) as
        { topic_name?: unknown; partitions_count?: unknown; replication_factor?: unknown; configs?: unknown } | undefined;
      if (typeof body?.topic_name !== "string" || !/^[A-Za-z0-9._-]{1,249}$/.test(body.topic_name)) {
        return json({ error_code: 400, message: "topic_name must be a valid topic name" }, 400);
      }
      const partitions = body.partitions_count ?? BROKER_DEFAULT_PARTITIONS;
      const replication = body.replication_factor ?? 3;
      if (!Number.isInteger(partitions) || (partitions as number) < 1 || !Number.isInteger(replication) || (replication as number) < 1) {
        return json({ error_code: 40002, message: "Number of partitions and replication factor must be positive integers." }, 400);
      }
      if (this.#topics.has(body.topic_name)) return json({ error_code: 40002, message: `Topic '${body.topic_name}' already exists.` }, 400);
      const configs = Array.isArray(body.configs)
        ? Object.fromEntries((body.configs as { name?: unknown; value?: unknown }[]).map((c) => [String(c.name), String(c.value)]))
        : {};
      const topic = { name: body.topic_name, partitions: partitions as number, replicationFactor: replication as number, configs };
      this.#topics.set(topic.name, topic);
      return json(v3Topic(topic, self, clusterId), 201);
    }
    return json({ error_code: 405, message: "HTTP 405 Method Not Allowed" }, 405);
  }

  /** REST Proxy v2 when the client asks for its media type, else Upstash's admin API (both answer GET /topics). */
  restV2OrUpstash(req: Request, path: RegExpExecArray): Response | undefined {
    if (req.method !== "GET") return undefined;
    const v2 = (req.headers.get("accept") ?? "").includes("application/vnd.kafka");
    const topicName = path[1] === undefined ? undefined : decodeURIComponent(path[1]);
    if (topicName === undefined) {
      if (v2) return json([...this.#topics.keys()].sort(), 200, V2_HEADERS);
      return json(Object.fromEntries([...this.#topics.values()].map((t) => [t.name, t.partitions])));
    }
    const topic = this.#topics.get(topicName);
    if (!topic) return json({ error_code: 40401, message: "Topic not found." }, 404, V2_HEADERS);
    const partitions = Array.from({ length: topic.partitions }, (_, partition) => ({
      partition,
      leader: 1,
      replicas: Array.from({ length: topic.replicationFactor }, (_, i) => ({ broker: i + 1, leader: i === 0, in_sync: true })),
    }));
    return json({ name: topic.name, configs: topic.configs, partitions }, 200, V2_HEADERS);
  }
}

function v3Topic(topic: Topic, topicsUrl: string, clusterId: string) {
  const self = `${topicsUrl}/${encodeURIComponent(topic.name)}`;
  return {
    kind: "KafkaTopic",
    metadata: { self, resource_name: `crn:///kafka=${clusterId}/topic=${topic.name}` },
    cluster_id: clusterId,
    topic_name: topic.name,
    is_internal: false,
    replication_factor: topic.replicationFactor,
    partitions_count: topic.partitions,
    partitions: { related: `${self}/partitions` },
    configs: { related: `${self}/configs` },
    partition_reassignments: { related: `${self}/partitions/-/reassignment` },
    authorized_operations: [],
  };
}
