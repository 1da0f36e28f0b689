// The effects floor (POST /floor/confirm-effects): the confirmation floor plus every outside call a
// bill confirmation makes, written by hand without the gateway's request code (it borrows only the
// gateway's choice of idempotency shard, shardNameOf), so the bench can tell what a bill
// confirmation costs for the calls it must make from what it costs for our own work (hono,
// valibot, drizzle, the payment core). The same calls as the gateway's, in the same order:
// - before the answer: the idempotency admit in a Durable Object, side by side with a D1 read of
//   what was offered; then ONE D1 batch: the premium row, the payment row and two outbox rows;
// - after the answer (waitUntil): the settle in the Durable Object, the two events produced to
//   Kafka (the sandbox's, one produce each, as the gateway's upstash flavor does), their published
//   marks (written together with the other requests', one D1 write per 100 ms, as the gateway
//   writes them), and the two KV marks of the paid premium.
// Never deployed; its tables and its object are the floor's own.
import { DurableObject } from "cloudflare:workers";
import { shardNameOf } from "../../workers/gateway/src/adapters/durable-object-idempotency.ts";

export interface EffectsFloorEnv {
  PREMIUM_CACHE: KVNamespace;
  FLOOR_DB: D1Database;
  FLOOR_IDEMPOTENCY: DurableObjectNamespace<FloorIdempotency>;
  KAFKA_REST_URL: string;
  KAFKA_REST_USERNAME: string;
  KAFKA_REST_PASSWORD: string;
}

/** An idempotency key's state: admitted (in flight) or answered. */
export class FloorIdempotency extends DurableObject {
  /** Admits the key unless it is held: one read and one write, as the gateway's shard does. */
  async admit(key: string): Promise<"admitted" | "held"> {
    if ((await this.ctx.storage.get(key)) !== undefined) return "held";
    await this.ctx.storage.put(key, { state: "in-flight", at: Date.now() });
    return "admitted";
  }

  /** Keeps the answer of the key's holder: one read and one write, as the gateway's shard does. */
  async settle(key: string, answer: string): Promise<void> {
    if ((await this.ctx.storage.get(key)) === undefined) return;
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

/** The floors' request body: a bill confirmation's fields (worker.ts reads it too). */
export interface FloorConfirmationBody {
  id: number;
  policyNumber: string;
  amount: number;
  currency: string;
  bankTransactionId: string;
}

/** After the token, scope and rate-limit checks (worker.ts), with the request's waitUntil. */
export async function effectsConfirmation(request: Request, env: EffectsFloorEnv, ctx: ExecutionContext): Promise<Response> {
  const body = (await request.json().catch(() => undefined)) as Partial<FloorConfirmationBody> | undefined;
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
  // Spread over 16 long-lived objects by the gateway's own choice of shard.
  const keeper = env.FLOOR_IDEMPOTENCY.get(env.FLOOR_IDEMPOTENCY.idFromName(shardNameOf(key)));
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
  // Started beside the answer, as the gateway's settle and cache marks are; the events once the answer is on its way.
  ctx.waitUntil(
    counted(
      Promise.all([
        keeper.settle(key, answer),
        env.PREMIUM_CACHE.put(`premium:v1:${policyNumber}`, JSON.stringify({ paid: id }), { expirationTtl: PREMIUM_TTL_SECONDS }),
        env.PREMIUM_CACHE.put(`paid:v1:${id}`, "1", { expirationTtl: PAID_MARK_TTL_SECONDS }),
      ]),
    ),
  );
  ctx.waitUntil(counted(new Promise((resolve) => setTimeout(resolve, 0)).then(() => publish(env, events))));
  return new Response(answer, { headers: { "content-type": "application/json" } });
}

/** The gateway's cache lifetimes: the cached premium's (PREMIUM_CACHE_TTL_SECONDS locally) and the paid mark's 30 days. */
const PREMIUM_TTL_SECONDS = 900;
const PAID_MARK_TTL_SECONDS = 30 * 24 * 60 * 60;

/** One produce per event, as the gateway's delivery sends them; a refusal leaves the events unmarked and is counted. */
async function publish(env: EffectsFloorEnv, events: { eventId: string; topic: string; key: string; value: unknown }[]): Promise<void> {
  const authorization = `Basic ${btoa(`${env.KAFKA_REST_USERNAME}:${env.KAFKA_REST_PASSWORD}`)}`;
  await Promise.all(
    events.map(async (event) => {
      const response = await fetch(`${env.KAFKA_REST_URL.replace(/\/$/, "")}/produce`, {
        method: "POST",
        headers: { authorization, "content-type": "application/json" },
        body: JSON.stringify([{ topic: `floor.${event.topic}`, key: event.key, value: JSON.stringify(event.value) }]),
      });
      await response.arrayBuffer();
      if (!response.ok) throw new Error(`the sandbox's Kafka refused a produce: HTTP ${response.status}`);
    }),
  );
  await markedTogether(
    env,
    events.map((e) => e.eventId),
  );
}

/**
 * The published marks of the isolate's requests written together, one write per 100 ms, as the
 * gateway writes them (workers/gateway/src/adapters/records/published-together.ts): in statements
 * of at most 90 ids (D1 binds at most 100 values to one), and a linger cut off for 5 s is
 * taken as lost, so the next mark schedules its own write.
 */
const LINGER_MS = 100;
const SCHEDULE_LOST_MS = 5_000;
const IDS_PER_STATEMENT = 90;
let waiting: string[] = [];
let scheduledAt: number | undefined;
async function markedTogether(env: EffectsFloorEnv, eventIds: string[]): Promise<void> {
  waiting.push(...eventIds);
  if (scheduledAt !== undefined && Date.now() - scheduledAt < SCHEDULE_LOST_MS) return;
  scheduledAt = Date.now();
  await new Promise((resolve) => setTimeout(resolve, LINGER_MS));
  const marks = waiting;
  waiting = [];
  scheduledAt = undefined;
  const at = new Date().toISOString();
  const statements = [];
  for (let i = 0; i < marks.length; i += IDS_PER_STATEMENT) {
    const ids = marks.slice(i, i + IDS_PER_STATEMENT);
    statements.push(
      env.FLOOR_DB.prepare(`UPDATE floor_effects_outbox SET published_at = ? WHERE event_id IN (${ids.map(() => "?").join(", ")})`).bind(
        at,
        ...ids,
      ),
    );
  }
  if (statements.length > 0) await env.FLOOR_DB.batch(statements);
}

/**
 * Work after the answer that failed (a refused produce, a settle, a KV or D1 write), counted in
 * this isolate: the bench reads it (GET /floor/after-answer-failures) and counts it among the
 * effects floor's failed requests, since a floor that skipped its work would look cheaper.
 */
let afterAnswerFailures = 0;
export const failuresAfterTheAnswer = () => afterAnswerFailures;
function counted(work: Promise<unknown>): Promise<void> {
  return work.then(
    () => undefined,
    (error: unknown) => {
      afterAnswerFailures += 1;
      console.error(`effects floor: work after the answer failed: ${String(error)}`);
    },
  );
}
