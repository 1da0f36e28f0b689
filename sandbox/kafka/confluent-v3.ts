// POST /kafka/kafka/v3/clusters/{cluster}/topics/{topic}/records: Confluent's v3 produce API, one
// record per request. A failed delivery report comes back as HTTP 200 with its own error_code.
import { json, readJson } from "../http.ts";
import type { ProduceContext } from "./produce-context.ts";
import { REFUSED_MESSAGE, RETRIABLE_ERROR_CODE } from "./refusals.ts";

export const CONFLUENT_V3_RECORDS = /^\/kafka\/kafka\/v3\/clusters\/([^/]+)\/topics\/([^/]+)\/records$/;

export async function confluentV3Produce(req: Request, path: RegExpExecArray, context: ProduceContext): Promise<Response> {
  const { log, refusals, authorized } = context;
  if (!authorized(req)) return json({ error_code: 401, message: "Unauthorized" }, 401);
  const body = (await readJson(req)) as { key?: { data?: unknown }; value?: { type?: string; data?: unknown } } | undefined;
  const key = typeof body?.key?.data === "string" ? body.key.data : null;
  if (body?.value?.type !== "JSON") return json({ error_code: 400, message: "value.type must be JSON" }, 400);
  switch (refusals.modeFor(key)) {
    case "http":
      return json({ error_code: 503, message: "broker unavailable" }, 503);
    case "delivery-report":
      return json({ error_code: RETRIABLE_ERROR_CODE, message: REFUSED_MESSAGE });
  }
  const stored = log.append({ topic: decodeURIComponent(path[2]!), key, value: body.value.data, headers: [], flavor: "confluent-v3" });
  return json({ error_code: 200, cluster_id: path[1], topic_name: stored.topic, partition_id: 0, offset: stored.offset });
}
