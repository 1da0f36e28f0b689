// POST /kafka/produce: the wire protocol of @upstash/kafka. It has no delivery reports, so a
// refused key fails the whole request with 503 in either refusal mode.
import { json, readJson } from "../http.ts";
import type { ProduceContext } from "./produce-context.ts";

interface UpstashMessage {
  topic?: unknown;
  key?: unknown;
  value?: unknown;
  headers?: unknown;
}

export async function upstashProduce(req: Request, { log, refusals, authorized }: ProduceContext): Promise<Response> {
  if (!authorized(req)) return json({ error: "Unauthorized", status: 401 }, 401);
  const body = await readJson(req);
  const messages = (Array.isArray(body) ? body : [body]) as UpstashMessage[];
  const invalid = messages.find((m) => typeof m?.topic !== "string" || typeof m.value !== "string");
  if (invalid) return json({ error: "topic and value (a string) are required", status: 400 }, 400);
  const refused = messages.some((m) => typeof m.key === "string" && refusals.modeFor(m.key) !== undefined);
  if (refused) return json({ error: "broker unavailable", status: 503 }, 503);
  const stored = messages.map((m) =>
    log.append({
      topic: m.topic as string,
      key: typeof m.key === "string" ? m.key : null,
      value: JSON.parse(m.value as string),
      headers: Array.isArray(m.headers) ? m.headers : [],
      flavor: "upstash",
    }),
  );
  return json(stored.map(({ topic, partition, offset, timestamp }) => ({ topic, partition, offset, timestamp })));
}
