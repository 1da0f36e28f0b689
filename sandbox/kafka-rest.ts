// Stand-in for Kafka over REST (external-contracts §6), both flavors, keeping every record produced.
//   POST /kafka/produce                                              upstash flavor
//   POST /kafka/kafka/v3/clusters/{cluster}/topics/{topic}/records   confluent-v3 flavor
//   GET  /__sandbox/kafka/records?topic=&key=                        what was produced (JSON)
//   POST /__sandbox/kafka/refuse  {"key": "P...", "refuse": true}    make produce fail for a key
import { basicCredentials, json, readJson, type SandboxRoute } from "./http.ts";

export interface ProducedRecord {
  topic: string;
  partition: number;
  offset: number;
  timestamp: number;
  key: string | null;
  value: unknown;
  headers: { key: string; value: string }[];
  flavor: "upstash" | "confluent-v3";
}

interface UpstashMessage {
  topic?: unknown;
  key?: unknown;
  value?: unknown;
  headers?: unknown;
}

const CONFLUENT_RECORDS = /^\/kafka\/kafka\/v3\/clusters\/([^/]+)\/topics\/([^/]+)\/records$/;

export function kafkaRest(credentials: { username: string; password: string }): SandboxRoute {
  const records: ProducedRecord[] = [];
  const refusedKeys = new Set<string>();

  const authorized = (req: Request) => {
    const given = basicCredentials(req);
    return given?.username === credentials.username && given.password === credentials.password;
  };
  const append = (record: Omit<ProducedRecord, "partition" | "offset" | "timestamp">): ProducedRecord => {
    const stored = { ...record, partition: 0, offset: records.length, timestamp: Date.now() };
    records.push(stored);
    return stored;
  };

  return async (req, url) => {
    if (req.method === "POST" && url.pathname === "/kafka/produce") {
      if (!authorized(req)) return json({ error: "Unauthorized", status: 401 }, 401);
      const body = await readJson(req);
      const messages = (Array.isArray(body) ? body : [body]) as UpstashMessage[];
      const invalid = messages.find((m) => typeof m?.topic !== "string" || typeof m.value !== "string");
      if (invalid) return json({ error: "topic and value (a string) are required", status: 400 }, 400);
      const refused = messages.find((m) => typeof m.key === "string" && refusedKeys.has(m.key));
      if (refused) return json({ error: "broker unavailable", status: 503 }, 503);
      const stored = messages.map((m) =>
        append({
          topic: m.topic as string,
          key: typeof m.key === "string" ? m.key : null,
          value: JSON.parse(m.value as string),
          headers: Array.isArray(m.headers) ? m.headers : [],
          flavor: "upstash",
        }),
      );
      return json(stored.map(({ topic, partition, offset, timestamp }) => ({ topic, partition, offset, timestamp })));
    }

    const confluent = req.method === "POST" ? CONFLUENT_RECORDS.exec(url.pathname) : null;
    if (confluent) {
      if (!authorized(req)) return json({ error_code: 401, message: "Unauthorized" }, 401);
      const body = (await readJson(req)) as { key?: { data?: unknown }; value?: { type?: string; data?: unknown } } | undefined;
      const key = typeof body?.key?.data === "string" ? body.key.data : null;
      if (body?.value?.type !== "JSON") return json({ error_code: 400, message: "value.type must be JSON" }, 400);
      if (key !== null && refusedKeys.has(key)) return json({ error_code: 503, message: "broker unavailable" }, 503);
      const stored = append({ topic: decodeURIComponent(confluent[2]!), key, value: body.value.data, headers: [], flavor: "confluent-v3" });
      return json({ error_code: 200, cluster_id: confluent[1], topic_name: stored.topic, partition_id: 0, offset: stored.offset });
    }

    if (req.method === "GET" && (url.pathname === "/__sandbox/kafka/records" || url.pathname === "/kafka/records")) {
      const topic = url.searchParams.get("topic");
      const key = url.searchParams.get("key");
      return json(records.filter((r) => (!topic || r.topic === topic) && (!key || r.key === key)));
    }
    if (req.method === "POST" && url.pathname === "/__sandbox/kafka/refuse") {
      const body = (await readJson(req)) as { key?: string; refuse?: boolean } | undefined;
      if (!body?.key) return json({ error: "key required" }, 400);
      if (body.refuse === false) refusedKeys.delete(body.key);
      else refusedKeys.add(body.key);
      return json({ key: body.key, refused: refusedKeys.has(body.key) });
    }
    return undefined;
  };
}
