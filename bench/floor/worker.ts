// The platform floors the bench compares the gateway with, on the same workerd as the gateway
// (never deployed). `npm run bench` reports every row as a ratio of one of them.
// - GET (any path): a premium inquiry's floor, only what the spec forces on one: verify an HS256
//   bearer token with jose, check its scope, one rate-limit call, one KV read, answer JSON.
// - POST /floor/confirm: a crash-safe, idempotent confirmation's floor, what one minimally must do:
//   the same token and scope checks (payments:confirm), one rate-limit call, one KV read (what was
//   offered), then ONE D1 batch writing the payment row and its outbox row together, where the
//   transaction id's uniqueness makes a retry a 409 instead of a second payment. Its tables are the
//   floor's own (created by the floor on its local D1), not the gateway's.
// - POST /floor/confirm-effects: the effects floor, the same checks and then every outside call a
//   bill confirmation makes, before and after its answer (effects-floor.ts); GET
//   /floor/after-answer-failures: how much of its work after the answer failed (for the bench).
import { jwtVerify, type JWTPayload } from "jose";
import { effectsConfirmation, failuresAfterTheAnswer, type EffectsFloorEnv, type FloorConfirmationBody } from "./effects-floor.ts";

export { FloorIdempotency } from "./effects-floor.ts";

interface FloorEnv extends EffectsFloorEnv {
  CLIENT_RATE_LIMIT: { limit(options: { key: string }): Promise<{ success: boolean }> };
  JWT_SECRET: string;
  JWT_ISSUER: string;
  JWT_AUDIENCE: string;
}

export default {
  async fetch(request, env, ctx) {
    if (new URL(request.url).pathname === "/floor/after-answer-failures") return Response.json({ failures: failuresAfterTheAnswer() });
    const started = performance.now();
    const path = request.method === "POST" ? new URL(request.url).pathname : "";
    const confirm = path === "/floor/confirm" || path === "/floor/confirm-effects";
    const answer =
      path === "/floor/confirm-effects"
        ? await floorEffectsConfirmation(request, env, ctx)
        : confirm
          ? await floorConfirmation(request, env)
          : await floorInquiry(request, env);
    // The gateway's Server-Timing, without the steps: what the client saw beyond the handler is
    // mostly wrangler dev's own proxying, common to both.
    answer.headers.set("server-timing", `handler;dur=${(performance.now() - started).toFixed(2)}`);
    // Counted like the gateway's (MEASURE_REQUESTS): sequential remote round trips before the
    // answer, the rate limiter not counted; and the record-store statements or batches sent.
    answer.headers.set("x-round-trips", confirm ? "2" : "1");
    answer.headers.set("x-record-round-trips", path === "/floor/confirm-effects" ? "2" : confirm ? "1" : "0");
    return answer;
  },
} satisfies ExportedHandler<FloorEnv>;

/** The token's claims when it is valid and carries `scope`; otherwise the answer to give. */
async function authorize(request: Request, env: FloorEnv, scope: string): Promise<JWTPayload | Response> {
  const token = /^Bearer (.+)$/.exec(request.headers.get("authorization") ?? "")?.[1];
  if (!token) return Response.json({ success: false }, { status: 401 });
  let payload;
  try {
    ({ payload } = await jwtVerify(token, new TextEncoder().encode(env.JWT_SECRET), {
      issuer: env.JWT_ISSUER,
      audience: env.JWT_AUDIENCE,
      algorithms: ["HS256"],
    }));
  } catch {
    return Response.json({ success: false }, { status: 401 });
  }
  if (
    !String(payload.scope ?? "")
      .split(" ")
      .includes(scope)
  )
    return Response.json({ success: false }, { status: 403 });
  if (!(await env.CLIENT_RATE_LIMIT.limit({ key: String(payload.sub) })).success) return Response.json({ success: false }, { status: 429 });
  return payload;
}

async function floorInquiry(request: Request, env: FloorEnv): Promise<Response> {
  const payload = await authorize(request, env, "payments:inquire");
  if (payload instanceof Response) return payload;
  const query = new URL(request.url).searchParams.get("query") ?? "";
  const premium = await env.PREMIUM_CACHE.get(`premium:v1:${query}`, "json");
  return Response.json({ success: true, data: premium });
}

async function floorEffectsConfirmation(request: Request, env: FloorEnv, ctx: ExecutionContext): Promise<Response> {
  const payload = await authorize(request, env, "payments:confirm");
  if (payload instanceof Response) return payload;
  return effectsConfirmation(request, env, ctx);
}

/** Once per isolate: the floor's own two tables (`IF NOT EXISTS`, so every isolate may try). */
let schema: Promise<unknown> | undefined;
const SCHEMA = [
  `CREATE TABLE IF NOT EXISTS floor_payments (
     transaction_id TEXT PRIMARY KEY, premium_id INTEGER NOT NULL, policy_number TEXT NOT NULL,
     amount_minor INTEGER NOT NULL, currency TEXT NOT NULL, confirmed_at TEXT NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS floor_outbox (
     id INTEGER PRIMARY KEY AUTOINCREMENT, transaction_id TEXT NOT NULL UNIQUE, topic TEXT NOT NULL,
     payload TEXT NOT NULL, created_at TEXT NOT NULL, published_at TEXT)`,
];

async function floorConfirmation(request: Request, env: FloorEnv): Promise<Response> {
  const payload = await authorize(request, env, "payments:confirm");
  if (payload instanceof Response) return payload;
  const body = (await request.json().catch(() => undefined)) as Partial<FloorConfirmationBody> | undefined;
  if (!body || typeof body.bankTransactionId !== "string" || typeof body.policyNumber !== "string" || typeof body.amount !== "number")
    return Response.json({ success: false }, { status: 400 });
  // What was offered, from the cache (the gateway reads it from its records; one read either way).
  await env.PREMIUM_CACHE.get(`premium:v1:${body.policyNumber}`, "json");
  schema ??= env.FLOOR_DB.batch(SCHEMA.map((sql) => env.FLOOR_DB.prepare(sql))).catch((error: unknown) => {
    schema = undefined; // the next request tries again
    throw error;
  });
  await schema;
  const now = new Date().toISOString();
  const amountMinor = Math.round(body.amount * 100);
  try {
    // One round trip: the payment and its event commit together or not at all.
    await env.FLOOR_DB.batch([
      env.FLOOR_DB.prepare(
        "INSERT INTO floor_payments (transaction_id, premium_id, policy_number, amount_minor, currency, confirmed_at) VALUES (?, ?, ?, ?, ?, ?)",
      ).bind(body.bankTransactionId, body.id ?? 0, body.policyNumber, amountMinor, body.currency ?? "USD", now),
      env.FLOOR_DB.prepare("INSERT INTO floor_outbox (transaction_id, topic, payload, created_at) VALUES (?, ?, ?, ?)").bind(
        body.bankTransactionId,
        "payments.confirmed",
        JSON.stringify({ transactionId: body.bankTransactionId, policyNumber: body.policyNumber, amountMinor }),
        now,
      ),
    ]);
  } catch (error) {
    if (/UNIQUE constraint failed/i.test(String(error))) return Response.json({ success: false, error: "duplicate" }, { status: 409 });
    throw error;
  }
  return Response.json({ success: true, data: { transactionId: body.bankTransactionId, confirmedAt: now } });
}
