// The effects floor (POST /floor/confirm-effects): the confirmation floor plus every outside call a
// bill confirmation makes, written by hand without the gateway's code, so the bench can tell what
// a bill confirmation costs for the calls it must make from what it costs for our own work
// (hono, valibot, drizzle, the payment core). The same calls as the gateway's, in the same order:
// - before the answer: the idempotency admit in a Durable Object, side by side with a D1 read of
//   what was offered; then ONE D1 batch: the premium row, the payment row and two outbox rows;
// - after the answer (waitUntil): the settle in the Durable Object, the two events produced to
//   Kafka (the sandbox's, one produce each, as the gateway's upstash flavor does), one D1 write
//   marking them published, and the two KV marks of the paid premium.
// Never deployed; its tables and its object are the floor's own.
import { DurableObject } from "cloudflare:workers";

export interface EffectsFloorEnv {
  PREMIUM_CACHE: KVNamespace;
  FLOOR_DB: D1Database;
  FLOOR_IDEMPOTENCY: DurableObjectNamespace<FloorIdempotency>;
  KAFKA_REST_URL: string;
  KAFKA_REST_USERNAME: string;
  KAFKA_REST_PASSWORD: string;
}

/** Keys spread over 16 long-lived objects, as the gateway's idempotency shards are. */
const SHARDS = 16;

/** An idempotency key's state: admitted (in flight) or answered. */
export class FloorIdempotency extends DurableObject {
  /** Admits the key unless it is held: one read and one write, as the gateway's shard does. */
  async admit(key: string): Promise<"admitted" | "held"> {
    if ((await this.ctx.storage.get(key)) !== undefined) return "held";
    await this.ctx.storage.put(key, { state: "in-flight", at: Date.now() });
    return "admitted";
  }

  async settle(key: string, answer: string): Promise<void> {
    await this.ctx.storage.put(key, { state: "answered", answer });
  }
}

const SCHEMA = [
  `CREATE TABLE IF NOT EXISTS floor_effects_premiums (
     premium_id INTEGER PRIMARY KEY, policy_number TEXT NOT NULL, amount_minor INTEGER NOT NULL,
     currency TEXT NOT NULL, served_at TEXT NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS floor_effects_payments (
     premium_id INTEGER PRIMARY KEY, transaction_id TEXT NOT NULL UNIQUE, amount_minor INTEGER NOT NULL,
     currency TEXT NOT NULL, confirmed_at TEXT NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS floor_effects_outbox (
     event_id TEXT PRIMARY KEY, topic TEXT NOT NULL, message_key TEXT NOT NULL, payload TEXT NOT NULL,
     created_at TEXT NOT NULL, published_at TEXT)`,
];
let schema: Promise<unknown> | undefined;

interface Confirmation {
  id: number;
  policyNumber: string;
  amount: number;
  currency: string;
  bankTransactionId: string;
}

/** After the token, scope and rate-limit checks (worker.ts), with the request's waitUntil. */
export async function effectsConfirmation(request: Request, env: EffectsFloorEnv, ctx: ExecutionContext): Promise<Response> {
  const body = (await request.json().catch(() => undefined)) as Partial<Confirmation> | undefined;
  if (!body || typeof body.id !== "number" || typeof body.bankTransactionId !== "string" || typeof body.policyNumber !== "string")
    return Response.json({ success: false }, { status: 400 });
  const { id, policyNumber, bankTransactionId } = body;
  const currency = body.currency ?? "USD";
  const amountMinor = Math.round((body.amount ?? 0) * 100);
  schema ??= env.FLOOR_DB.batch(SCHEMA.map((sql) => env.FLOOR_DB.prepare(sql))).catch((error: unknown) => {
    schema = undefined;
    throw error;
  });
  await schema;

  const key = `bill:${bankTransactionId}`;
  const keeper = env.FLOOR_IDEMPOTENCY.get(env.FLOOR_IDEMPOTENCY.idFromName(`shard-${shardOf(key)}`));
  const [admission] = await Promise.all([
    keeper.admit(key),
    env.FLOOR_DB.prepare("SELECT premium_id, amount_minor, currency FROM floor_effects_premiums WHERE premium_id = ?").bind(id).first(),
  ]);
  if (admission === "held") return Response.json({ success: false, error: "in flight or answered" }, { status: 409 });

  const now = new Date().toISOString();
  const events = ["payment.confirmed", "payment.success"].map((topic) => ({
    eventId: crypto.randomUUID(),
    topic,
    key: policyNumber,
    value: { paymentId: id, policyNumber, transactionId: bankTransactionId, amountMinor, currency, at: now },
  }));
  try {
    await env.FLOOR_DB.batch([
      env.FLOOR_DB.prepare(
        `INSERT INTO floor_effects_premiums (premium_id, policy_number, amount_minor, currency, served_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (premium_id) DO UPDATE SET served_at = excluded.served_at`,
      ).bind(id, policyNumber, amountMinor, currency, now),
      env.FLOOR_DB.prepare(
        "INSERT INTO floor_effects_payments (premium_id, transaction_id, amount_minor, currency, confirmed_at) VALUES (?, ?, ?, ?, ?)",
      ).bind(id, bankTransactionId, amountMinor, currency, now),
      env.FLOOR_DB.prepare(
        "INSERT INTO floor_effects_outbox (event_id, topic, message_key, payload, created_at) VALUES (?, ?, ?, ?, ?), (?, ?, ?, ?, ?)",
      ).bind(...events.flatMap((e) => [e.eventId, e.topic, e.key, JSON.stringify(e.value), now])),
    ]);
  } catch (error) {
    if (/UNIQUE constraint failed/i.test(String(error))) return Response.json({ success: false, error: "duplicate" }, { status: 409 });
    throw error;
  }
  const answer = JSON.stringify({ success: true, data: { transactionId: bankTransactionId, paymentReferenceId: String(id) } });
  ctx.waitUntil(afterTheAnswer(env, { key, answer, id, policyNumber, events }));
  return new Response(answer, { headers: { "content-type": "application/json" } });
}

async function afterTheAnswer(
  env: EffectsFloorEnv,
  done: {
    key: string;
    answer: string;
    id: number;
    policyNumber: string;
    events: { eventId: string; topic: string; key: string; value: unknown }[];
  },
): Promise<void> {
  const keeper = env.FLOOR_IDEMPOTENCY.get(env.FLOOR_IDEMPOTENCY.idFromName(`shard-${shardOf(done.key)}`));
  const authorization = `Basic ${btoa(`${env.KAFKA_REST_USERNAME}:${env.KAFKA_REST_PASSWORD}`)}`;
  const produce = (event: (typeof done.events)[number]) =>
    fetch(`${env.KAFKA_REST_URL.replace(/\/$/, "")}/produce`, {
      method: "POST",
      headers: { authorization, "content-type": "application/json" },
      body: JSON.stringify([{ topic: `floor.${event.topic}`, key: event.key, value: JSON.stringify(event.value) }]),
    }).then((response) => response.arrayBuffer());
  const now = new Date().toISOString();
  await Promise.all([
    keeper.settle(done.key, done.answer),
    Promise.all(done.events.map(produce)).then(() =>
      env.FLOOR_DB.prepare("UPDATE floor_effects_outbox SET published_at = ? WHERE event_id IN (?, ?)")
        .bind(now, ...done.events.map((e) => e.eventId))
        .run(),
    ),
    env.PREMIUM_CACHE.put(`premium:v1:${done.policyNumber}`, JSON.stringify({ paid: done.id }), { expirationTtl: 3600 }),
    env.PREMIUM_CACHE.put(`paid:v1:${done.id}`, "1", { expirationTtl: 3600 }),
  ]);
}

/** FNV-1a, as the gateway picks its shard. */
function shardOf(key: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i += 1) hash = Math.imul(hash ^ key.charCodeAt(i), 0x01000193) >>> 0;
  return hash % SHARDS;
}
