// Stand-in for Kafka over REST (docs/contracts.md), all three flavors, keeping every record
// produced. A refused record is not stored.
//   POST /kafka/produce                                              upstash flavor
//   POST /kafka/kafka/v3/clusters/{cluster}/topics/{topic}/records   confluent-v3 flavor
//   POST /kafka/topics/{topic}                                       rest-v2 flavor
//                                                                    (Content-Type application/vnd.kafka.json.v2+json)
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
import { upstashProduce } from "./upstash.ts";

export type { ProducedRecord } from "./record-log.ts";

export function kafkaRest(credentials: { username: string; password: string }): SandboxRoute {
  const log = new RecordLog();
  const refusals = new Refusals();
  const context = produceContext(credentials, log, refusals);

  return async (req, url) => {
    const path = url.pathname;
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
