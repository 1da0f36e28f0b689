// `npm run bench` (with `npm run dev` running): the gateway's and the KHQR worker's request kinds
// against the platform floor, measured in the same run with a real load generator (autocannon),
// at 1 and at 10 concurrent connections, many client tokens, a bounded number of requests to
// localhost only. Start the stack with `MEASURE_REQUESTS=true npm run dev` to have the
// record round trips of each kind counted (the gateway reports them per response).
//   BENCH_REQUESTS=300 npm run bench            prints the table
//   npm run bench -- --write                     also writes docs/benchmarks.md
import autocannon from "autocannon";
import { spawn } from "node:child_process";
import { cpus, totalmem } from "node:os";
import { writeFileSync } from "node:fs";
import { mintDevToken } from "../sandbox/dev-token.ts";
import { GATEWAY_PORT, KHQR_PORT, SANDBOX_PORT } from "../sandbox/local-config.ts";
import { buildWorker } from "./deploy/build.ts";
import { WORKERS } from "./deploy/workers.ts";
import { localSettings } from "./local-settings.ts";
import { quietWranglerEnv } from "./wrangler.ts";

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 300);
const QR_REQUESTS = Number(process.env.BENCH_QR_REQUESTS ?? 60);
const FLOOR_PORT = 8088;
const gateway = `http://127.0.0.1:${GATEWAY_PORT}`;
const khqr = `http://127.0.0.1:${KHQR_PORT}`;
const sandbox = `http://127.0.0.1:${SANDBOX_PORT}`;
const floor = `http://127.0.0.1:${FLOOR_PORT}`;
const config = localSettings(sandbox);

const mint = (subject: string, scopes: string[]) =>
  mintDevToken({ secret: config.JWT_SECRET!, issuer: config.JWT_ISSUER!, audience: config.JWT_AUDIENCE!, subject, scopes });
const run = Date.now().toString(36).slice(-4).toUpperCase();
let nextId = 30_000_000 + (Date.now() % 1_000_000) * 10;

async function post(url: string, body: unknown, token?: string): Promise<Response> {
  return fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
}

async function seedPremiums(count: number, label: string) {
  const premiums = Array.from({ length: count }, (_, i) => ({
    id: nextId++,
    policyNumber: `${label}${run}${String(i).padStart(4, "0")}`, // 10 characters: the query allows no more
    payer: "Bench Payer",
    amount: 10.5,
    currency: "USD",
    dueDate: "2026-12-01",
  }));
  for (const premium of premiums) await post(`${sandbox}/__sandbox/premiums`, premium);
  return premiums;
}

/** One autocannon run where request i is `make(i)`: each request its own client or premium. */
async function measure(
  url: string,
  connections: number,
  amount: number,
  make: (i: number) => { method?: string; path: string; headers: Record<string, string>; body?: string },
) {
  let i = 0;
  const started = performance.now();
  const result = await autocannon({
    url,
    connections,
    amount,
    timeout: 30,
    requests: [{ setupRequest: (request) => ({ ...request, ...make(i++ % amount) }) }],
  });
  return {
    rps: result.requests.total / result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
  };
}

async function roundTrips(url: string, init: RequestInit): Promise<string> {
  const response = await fetch(url, init);
  await response.arrayBuffer();
  return response.headers.get("x-record-round-trips") ?? "n/a";
}

function startFloor(): Promise<() => void> {
  const child = spawn(
    "wrangler",
    [
      "dev",
      "-c",
      "bench/floor/wrangler.toml",
      "--port",
      String(FLOOR_PORT),
      "--ip",
      "127.0.0.1",
      "--inspector-port",
      "9239",
      "--persist-to",
      ".wrangler/state/bench-floor",
      "--show-interactive-dev-session=false",
      "--var",
      `JWT_SECRET:${config.JWT_SECRET}`,
      "--var",
      `JWT_ISSUER:${config.JWT_ISSUER}`,
      "--var",
      `JWT_AUDIENCE:${config.JWT_AUDIENCE}`,
    ],
    { stdio: "ignore", env: quietWranglerEnv },
  );
  const stop = () => void child.kill("SIGINT");
  return (async () => {
    for (let attempt = 0; attempt < 120; attempt++) {
      try {
        await fetch(floor);
        return stop;
      } catch {
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    }
    stop();
    throw new Error("the floor worker did not start");
  })();
}

interface Row {
  kind: string;
  connections: number;
  rps: number;
  p50: number;
  p99: number;
  ratio: string;
  trips: string;
  failures: number;
}

const rows: Row[] = [];
const stopFloor = await startFloor();
try {
  const appTokens = await Promise.all(
    Array.from({ length: Math.max(REQUESTS, QR_REQUESTS) }, (_, i) => mint(`bench-app-${run}-${i}`, ["payments:inquire", "khqr:generate"])),
  );
  const bank = await mint("amk-bank", ["payments:confirm"]);
  const auth = (token: string) => ({ authorization: `Bearer ${token}` });

  // The cached premium, in the gateway's cache and in the floor's own KV.
  const [cached] = await seedPremiums(1, "BC");
  const cachedPath = `/AMK/payments?query=${cached!.policyNumber}`;
  await fetch(`${gateway}${cachedPath}`, { headers: auth(appTokens[0]!) });
  await fetch(`${gateway}${cachedPath}`, { headers: auth(appTokens[1]!) });

  for (const connections of [1, 10]) {
    const floorRun = await measure(floor, connections, REQUESTS, (i) => ({ path: cachedPath, headers: auth(appTokens[i]!) }));
    rows.push({
      kind: "floor (jose + scope + rate limit + KV read)",
      connections,
      ...floorRun,
      ratio: "1.00",
      trips: "0",
      failures: floorRun.errors,
    });
    const relative = (r: { rps: number; p99: number }) =>
      `${(r.rps / floorRun.rps).toFixed(2)} (p99 +${(r.p99 - floorRun.p99).toFixed(1)} ms)`;
    const add = (kind: string, r: Awaited<ReturnType<typeof measure>>, trips: string) =>
      rows.push({ kind, connections, ...r, ratio: relative(r), trips, failures: r.errors + r.non2xx });

    const hit = await measure(gateway, connections, REQUESTS, (i) => ({ path: cachedPath, headers: auth(appTokens[i]!) }));
    add("inquiry, cached", hit, await roundTrips(`${gateway}${cachedPath}`, { headers: auth(appTokens[2]!) }));

    const misses = await seedPremiums(REQUESTS + 1, "BM");
    const miss = await measure(gateway, connections, REQUESTS, (i) => ({
      path: `/AMK/payments?query=${misses[i]!.policyNumber}`,
      headers: auth(appTokens[i]!),
    }));
    add(
      "inquiry, cache miss",
      miss,
      await roundTrips(`${gateway}/AMK/payments?query=${misses[REQUESTS]!.policyNumber}`, { headers: auth(appTokens[3]!) }),
    );

    // Bill confirmations of the premiums just inquired (as the customer saw them).
    const bill = (i: number) =>
      JSON.stringify({
        id: misses[i]!.id,
        policyNumber: misses[i]!.policyNumber,
        amount: 10.5,
        currency: "USD",
        bankTransactionId: `BENCH${run}${connections}${i}`,
        payer: "Bench Payer",
        paidDate: "20261101120000",
      });
    const confirm = await measure(gateway, connections, REQUESTS, (i) => ({
      method: "POST",
      path: "/AMK/payments",
      headers: { ...auth(bank), "content-type": "application/json" },
      body: bill(i),
    }));
    add(
      "bill confirmation",
      confirm,
      await roundTrips(`${gateway}/AMK/payments`, {
        method: "POST",
        headers: { ...auth(bank), "content-type": "application/json" },
        body: bill(REQUESTS),
      }),
    );

    // KHQR webhooks for premiums served, which AMK's payment-verify reports paid.
    const served = await seedPremiums(REQUESTS + 1, "BK");
    for (const [i, premium] of served.entries()) {
      await fetch(`${gateway}/AMK/payments?query=${premium.policyNumber}`, { headers: auth(appTokens[i % appTokens.length]!) });
      await post(`${sandbox}/__sandbox/amk/transactions`, { txId: String(premium.id), status: "SUCCESS", amount: 10.5, currency: "USD" });
    }
    const webhook = (i: number) =>
      JSON.stringify({
        invoice_number: String(served[i]!.id),
        status: "SUCCESS",
        merchant_number: config.AMK_MERCHANT_ID,
        paid_amount: 10.5,
        currency: "USD",
        paid_datetime: "2026-11-01 12:00:00.000000",
      });
    const khqrWebhook = await measure(gateway, connections, REQUESTS, (i) => ({
      method: "POST",
      path: "/AMK/khqr",
      headers: { ...auth(bank), "content-type": "application/json" },
      body: webhook(i),
    }));
    add(
      "KHQR webhook (AMK verify included)",
      khqrWebhook,
      await roundTrips(`${gateway}/AMK/khqr`, {
        method: "POST",
        headers: { ...auth(bank), "content-type": "application/json" },
        body: webhook(REQUESTS),
      }),
    );

    const forQr = await seedPremiums(QR_REQUESTS, "BQ");
    const qr = await measure(khqr, connections, QR_REQUESTS, (i) => ({
      path: `/khqr?bankCode=AMK&billNumber=${forQr[i]!.policyNumber}`,
      headers: auth(appTokens[i]!),
    }));
    add("QR generation (KHQR worker, AMK sandbox)", qr, "via RPC");
  }
} finally {
  stopFloor();
}

const sizes = WORKERS.map((worker) => ({ worker: worker.id, ...buildWorker(worker, "uat") }));
const table = [
  "| request | conc. | req/s | p50 ms | p99 ms | vs floor: req/s ratio (p99 diff) | record round trips | failed |",
  "|---|---|---|---|---|---|---|---|",
  ...rows.map(
    (r) =>
      `| ${r.kind} | ${r.connections} | ${r.rps.toFixed(0)} | ${r.p50.toFixed(1)} | ${r.p99.toFixed(1)} | ${r.ratio} | ${r.trips} | ${r.failures} |`,
  ),
].join("\n");
const bundles = sizes
  .map((s) => `- ${s.worker}: ${(s.gzipBytes / 1024).toFixed(1)} KiB gzipped (${(s.bytes / 1024).toFixed(1)} KiB)`)
  .join("\n");
const store = process.env.DATABASE_URL ? "PostgreSQL" : "D1";
console.log(`\n${table}\n\nbundles:\n${bundles}\nrecord store of this run: ${store} (as npm run dev was started)`);

if (process.argv.includes("--write")) {
  const machine = `${cpus().length} × ${cpus()[0]?.model ?? "cpu"}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.versions.node}`;
  writeFileSync(
    "docs/benchmarks.md",
    `# Benchmarks\n\nMeasured ${new Date().toISOString().slice(0, 10)} on ${machine}, wrangler dev (local workerd), record store ${store}.\n` +
      `Command: \`MEASURE_REQUESTS=true npm run dev\` in one terminal, \`BENCH_REQUESTS=${REQUESTS} npm run bench -- --write\` in another.\n\n` +
      `${table}\n\nBundles (\`wrangler deploy --dry-run\`, uat):\n${bundles}\n`,
  );
}
