// POST /kafka/topics/{topic}: the v2 REST proxy API of Confluent REST Proxy, Karapace and Redpanda.
// Each record gets its own entry in `offsets`; a failed one carries error_code and error instead
// of an offset, while the rest of the batch is delivered.
import { json, readJson } from "../http.ts";
import type { ProduceContext } from "./produce-context.ts";
import type { ProducedRecord } from "./record-log.ts";
import { REFUSED_MESSAGE, RETRIABLE_ERROR_CODE } from "./refusals.ts";

export const REST_V2_TOPIC = /^\/kafka\/topics\/([^/]+)$/;

/** The embedded-JSON format; the proxy answers in its own v2 media type. */
const REQUEST_TYPE = "application/vnd.kafka.json.v2+json";
const RESPONSE_HEADERS = { "content-type": "application/vnd.kafka.v2+json" };

type OffsetEntry =
  | { partition: number; offset: number; error_code: null; error: null }
  | { partition: null; offset: null; error_code: number; error: string };

export async function restV2Produce(req: Request, path: RegExpExecArray, { log, refusals, authorized }: ProduceContext): Promise<Response> {
  const error = (status: number, message: string) => json({ error_code: status, message }, status, RESPONSE_HEADERS);
  if (!authorized(req)) return error(401, "Unauthorized");
  const mediaType = (req.headers.get("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
  if (mediaType !== REQUEST_TYPE) return error(415, `HTTP 415 Unsupported Media Type: send ${REQUEST_TYPE}`);

  const body = (await readJson(req)) as { records?: unknown } | undefined;
  if (body === undefined) return error(400, "Request body is not valid JSON");
  const records = parseRecords(body.records);
  if (typeof records === "string") return error(422, records);
  if (records.some((r) => refusals.modeFor(r.key) === "http")) return error(503, "broker unavailable");

  const topic = decodeURIComponent(path[1]!);
  const offsets = records.map((record): OffsetEntry => {
    if (refusals.modeFor(record.key) === "delivery-report") {
      return { partition: null, offset: null, error_code: RETRIABLE_ERROR_CODE, error: REFUSED_MESSAGE };
    }
    const stored = log.append({ topic, key: record.key, value: record.value, headers: [], flavor: "rest-v2" });
    return { partition: stored.partition, offset: stored.offset, error_code: null, error: null };
  });
  return json({ key_schema_id: null, value_schema_id: null, offsets }, 200, RESPONSE_HEADERS);
}

/** The records, or why the batch is unprocessable. */
function parseRecords(records: unknown): Pick<ProducedRecord, "key" | "value">[] | string {
  if (!Array.isArray(records) || records.length === 0) return "records must be a non-empty array";
  const parsed: Pick<ProducedRecord, "key" | "value">[] = [];
  for (const record of records as unknown[]) {
    if (typeof record !== "object" || record === null || !("value" in record)) return "every record needs a value";
    const { key, value } = record as { key?: unknown; value: unknown };
    if (key !== undefined && key !== null && typeof key !== "string") return "a record key must be a string";
    parsed.push({ key: key ?? null, value });
  }
  return parsed;
}
