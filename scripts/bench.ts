// `npm run bench` (with `npm run dev` running): latency and throughput of the local stack's hot
// paths, measured from outside as a client sees them. Bounded: a fixed number of requests to
// localhost only. Numbers from wrangler dev on one machine, not from Cloudflare's edge.
//   BENCH_REQUESTS=400 BENCH_CONCURRENCY=8 npm run bench
import { mintDevToken } from "../sandbox/dev-token.ts";
import { GATEWAY_PORT, SANDBOX_PORT } from "../sandbox/local-config.ts";
import { localSettings } from "./local-settings.ts";

const requests = Number(process.env.BENCH_REQUESTS ?? 400);
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 8);
const gateway = `http://127.0.0.1:${GATEWAY_PORT}`;
const sandbox = `http://127.0.0.1:${SANDBOX_PORT}`;
const config = localSettings(sandbox);

// One client per request keeps the per-client rate limit (100/min) out of the measurement.
const token = (client: string) =>
  mintDevToken({
    secret: config.JWT_SECRET!,
    issuer: config.JWT_ISSUER!,
    audience: config.JWT_AUDIENCE!,
    subject: client,
    scopes: ["payments:inquire", "payments:confirm"],
  });

async function seed(i: number, run: string, base: number) {
  const premium = {
    id: base + i,
    policyNumber: `B${run}${String(i).padStart(5, "0")}`.slice(0, 10),
    payer: "Bench",
    amount: 10.5,
    currency: "USD",
    dueDate: "2026-01-01",
  };
  await fetch(`${sandbox}/__sandbox/premiums`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(premium),
  });
  return premium;
}

async function measure(name: string, count: number, call: (i: number) => Promise<Response>) {
  const latencies: number[] = [];
  const statuses = new Map<number, number>();
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const i = next++;
        const t0 = performance.now();
        const response = await call(i);
        await response.arrayBuffer();
        latencies.push(performance.now() - t0);
        statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))]!.toFixed(1);
  console.log(
    `${name.padEnd(28)} n=${count} c=${concurrency}  ${(count / seconds).toFixed(0)} req/s  p50 ${pct(50)} ms  p95 ${pct(95)} ms  p99 ${pct(99)} ms  ` +
      `statuses ${JSON.stringify(Object.fromEntries(statuses))}`,
  );
}

// Fresh premiums every run: a premium paid in an earlier run is (rightly) no longer offered.
const run = Date.now().toString(36).slice(-4).toUpperCase();
const base = 10_000_000 + (Date.now() % 1_000_000) * 1_000;
const premiums = await Promise.all(Array.from({ length: requests }, (_, i) => seed(i, run, base)));
const tokens = await Promise.all(premiums.map((_, i) => token(`bench-${run}-${i}`)));
const get = (i: number) =>
  fetch(`${gateway}/AMK/payments?query=${premiums[i]!.policyNumber}`, { headers: { authorization: `Bearer ${tokens[i]}` } });

await measure("inquiry (cache miss)", requests, get);
await measure("inquiry (KV cache hit)", requests, get);
await measure("bill confirmation", requests, (i) =>
  fetch(`${gateway}/AMK/payments`, {
    method: "POST",
    headers: { authorization: `Bearer ${tokens[i]}`, "content-type": "application/json" },
    body: JSON.stringify({
      id: premiums[i]!.id,
      policyNumber: premiums[i]!.policyNumber,
      amount: 10.5,
      currency: "USD",
      bankTransactionId: `BENCH${run}${i}`,
      payer: "Bench",
      paidDate: "20260101120000",
    }),
  }),
);
