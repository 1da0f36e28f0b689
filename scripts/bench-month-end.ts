// `npm run bench:month-end` (with `npm run dev` running): a month-end burst from the bank's one
// client. Paces bill confirmations and KHQR webhooks at BURST_PER_MINUTE for BURST_SECONDS, lets a
// share of them be re-sent as AMK does, retries 5xx and "in flight" answers after Retry-After,
// and reports 429s, latency percentiles and throughput. Localhost only, bounded.
//   BURST_PER_MINUTE=400 BURST_SECONDS=60 npm run bench:month-end
import { mintDevToken } from "../sandbox/dev-token.ts";
import { GATEWAY_PORT, SANDBOX_PORT } from "../sandbox/local-config.ts";
import { localSettings } from "./local-settings.ts";

const perMinute = Number(process.env.BURST_PER_MINUTE ?? 400);
const seconds = Number(process.env.BURST_SECONDS ?? 60);
const resendShare = Number(process.env.BURST_RESEND_SHARE ?? 0.3);
const gateway = `http://127.0.0.1:${GATEWAY_PORT}`;
const sandbox = `http://127.0.0.1:${SANDBOX_PORT}`;
const config = localSettings(sandbox);

const mint = (subject: string, scopes: string[]) =>
  mintDevToken({ secret: config.JWT_SECRET!, issuer: config.JWT_ISSUER!, audience: config.JWT_AUDIENCE!, subject, scopes });
const bankToken = await mint("amk-bank", ["payments:confirm"]);

const run = Date.now().toString(36).slice(-4).toUpperCase();
const base = 20_000_000 + (Date.now() % 1_000_000) * 1_000;
const latencies: number[] = [];
const statuses = new Map<number, number>();
let retries = 0;

async function post(path: string, body: unknown, token: string): Promise<Response> {
  return fetch(`${gateway}${path}`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
}

/** One bank request as AMK sends it: retried after Retry-After on 5xx or "still in flight", at most 3 times. */
async function bankSend(path: string, body: unknown): Promise<void> {
  for (let attempt = 0; attempt < 4; attempt++) {
    const t0 = performance.now();
    const response = await post(path, body, bankToken);
    const text = await response.text();
    latencies.push(performance.now() - t0);
    statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
    const inFlight = response.status === 409 && response.headers.get("retry-after") !== null;
    if (response.status < 500 && !inFlight) return;
    if (response.status === 429) return;
    retries += 1;
    await sleep(Number(response.headers.get("retry-after") ?? 1) * 1000 || 1000);
    void text;
  }
}

async function onePayment(i: number): Promise<void> {
  const premium = {
    id: base + i,
    policyNumber: `M${run}${String(i).padStart(5, "0")}`.slice(0, 10),
    payer: "Month End",
    amount: 25.5,
    currency: "USD",
    dueDate: "2026-12-01",
  };
  await fetch(`${sandbox}/__sandbox/premiums`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(premium),
  });
  let send: () => Promise<void>;
  if (i % 2 === 0) {
    const body = {
      id: premium.id,
      policyNumber: premium.policyNumber,
      amount: premium.amount,
      currency: "USD",
      bankTransactionId: `ME${run}${i}`,
      payer: premium.payer,
      paidDate: "20261101120000",
    };
    send = () => bankSend("/AMK/payments", body);
  } else {
    // The app showed the premium (inquiry) and AMK holds the payment as SUCCESS; then the webhook.
    await fetch(`${gateway}/AMK/payments?query=${premium.policyNumber}`, {
      headers: { authorization: `Bearer ${await mint(`app-${run}-${i}`, ["payments:inquire"])}` },
    });
    await fetch(`${sandbox}/__sandbox/amk/transactions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ txId: String(premium.id), status: "SUCCESS", amount: premium.amount, currency: "USD" }),
    });
    const body = {
      invoice_number: String(premium.id),
      status: "SUCCESS",
      merchant_number: config.AMK_MERCHANT_ID,
      paid_amount: premium.amount,
      currency: "USD",
      paid_datetime: "2026-11-01 12:00:00.000000",
    };
    send = () => bankSend("/AMK/khqr", body);
  }
  await send();
  if (Math.random() < resendShare) {
    await sleep(1000 + Math.random() * 2000);
    await send();
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const total = Math.round((perMinute * seconds) / 60);
const started = performance.now();
const inFlight: Promise<void>[] = [];
for (let i = 0; i < total; i++) {
  inFlight.push(onePayment(i));
  await sleep(60_000 / perMinute);
}
await Promise.all(inFlight);
const elapsed = (performance.now() - started) / 1000;
latencies.sort((a, b) => a - b);
const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))]!.toFixed(1);
console.log(
  `month-end burst: ${total} payments at ${perMinute}/min over ${elapsed.toFixed(0)} s from one bank client; ` +
    `${latencies.length} bank requests (${retries} retries), ${(latencies.length / elapsed).toFixed(1)} req/s\n` +
    `  429s: ${statuses.get(429) ?? 0}   p50 ${pct(50)} ms  p95 ${pct(95)} ms  p99 ${pct(99)} ms   statuses ${JSON.stringify(Object.fromEntries(statuses))}`,
);
if ((statuses.get(429) ?? 0) > 0) process.exitCode = 1;
