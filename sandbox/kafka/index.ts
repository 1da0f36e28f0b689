// Stand-in for Kafka over REST (docs/contracts.md), all three flavors, keeping every record
// produced. A refused record is not stored.
//   POST /kafka/produce                                              upstash flavor
//   POST /kafka/kafka/v3/clusters/{cluster}/topics/{topic}/records   confluent-v3 flavor
//   POST /kafka/topics/{topic}                                       rest-v2 flavor
//                                                                    (Content-Type application/vnd.kafka.json.v2+json)
//   topic admin per flavor (list, describe, create where the API can)   see ./topics.ts
//   GET  /__sandbox/kafka/records?topic=&key=                        what was produced (JSON)
//   POST /__sandbox/kafka/refuse {key, refuse?, mode?}               refuse records with that key (refuse: false stops):
//                                                                    mode "http" (default) answers 503; mode
//                                                                    "delivery-report" answers 200 with a failed report
//                                                                    (confluent-v3 error_code 50003, rest-v2 that
//                                                                    record's offsets entry); upstash treats both as "http"
import { json, type SandboxRoute } from "../http.ts";
import { CONFLUENT_V3_RECORDS, confluentV3Produce } from "./confluent-v3.ts";
import { produceContext } from "./produce-context.ts";
import { RecordLog } from "./record-log.ts";
import { Refusals } from "./refusals.ts";
import { REST_V2_TOPIC, restV2Produce } from "./rest-v2.ts";
import { CONFLUENT_V3_TOPICS, REST_V2_TOPICS, TopicRegistry } from "./topics.ts";
import { upstashProduce } from "./upstash.ts";

export type { ProducedRecord } from "./record-log.ts";

export interface KafkaSandboxOptions {
  username: string;
  password: string;
  /** KAFKA_CLUSTER_ID: the one cluster the v3 admin API knows. */
  clusterId: string;
  /** Topics that exist from the start (the environment's own, as after `npm run kafka:topics`). */
  topics: string[];
}

export function kafkaRest(options: KafkaSandboxOptions): SandboxRoute {
  const topics = new TopicRegistry(options.topics);
  const log = new RecordLog((topic) => topics.ensure(topic));
  const refusals = new Refusals();
  const context = produceContext(options, log, refusals);

  return async (req, url) => {
    const path = url.pathname;
    const v3Admin = CONFLUENT_V3_TOPICS.exec(path);
    if (v3Admin) return context.authorized(req) ? topics.confluentV3(req, url, v3Admin, options.clusterId) : unauthorized();
    const v2Admin = req.method === "GET" ? REST_V2_TOPICS.exec(path) : null;
    if (v2Admin) return context.authorized(req) ? topics.restV2OrUpstash(req, v2Admin) : unauthorized();
    if (req.method === "POST") {
      if (path === "/kafka/produce") return upstashProduce(req, context);
      const confluent = CONFLUENT_V3_RECORDS.exec(path);
      if (confluent) return confluentV3Produce(req, confluent, context);
      const restV2 = REST_V2_TOPIC.exec(path);
      if (restV2) return restV2Produce(req, restV2, context);
      if (path === "/__sandbox/kafka/refuse") return refusals.control(req);
    }
    if (req.method === "GET" && (path === "/__sandbox/kafka/records" || path === "/kafka/records")) {
      return json(log.find(url.searchParams.get("topic"), url.searchParams.get("key")));
    }
    return undefined;
  };
}

function unauthorized(): Response {
  return json({ error_code: 401, message: "Unauthorized" }, 401);
}
