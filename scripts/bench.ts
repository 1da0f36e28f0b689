// `npm run bench` (with `npm run dev` running): the gateway's and the KHQR worker's request kinds
// against platform floors (bench/floor/): an inquiry's (token, scope, rate limit, KV read) for
// the inquiry rows, and a one-write confirmation's (the same, then one D1 batch of a payment row and
// an outbox row) for every money row (bill confirmation, its replay, the KHQR webhook); beside it,
// the effects floor (the same checks and every outside call a bill confirmation makes, by hand)
// tells what the money rows cost beyond the calls they must make. All measured
// in the same run with a real load generator (autocannon), at 1 and at 10 concurrent connections,
// many client tokens, a bounded number of requests to localhost only. Start the stack with
// `MEASURE_REQUESTS=true npm run dev` to have each response's round trips counted and its outside
// calls timed: x-round-trips (sequential remote round trips before the answer, parallel calls once,
// the rate limiter not counted), x-record-round-trips (record-store statements or batches sent),
// x-amk-round-trips (AMK's, shown as "+ n AMK" when the gateway counts them apart), and
// Server-Timing (the KHQR worker's too, with the drawing of the QR's PNG as `cpu.qr-png`). Each
// row shows the mean of both counts over its responses, "n/a" when no response carried one.
// `npm run bench:qr` measures the QR's PNG on its own, without the stack.
//   BENCH_REQUESTS=300 npm run bench            prints the tables
//   npm run bench -- --write                     also writes this store's section of docs/benchmarks.md
// The store is the one `npm run dev` records into: PostgreSQL when DATABASE_URL is set (environment
// or .dev.vars, as scripts/dev.ts reads it), else D1; BENCH_STORE=D1|PostgreSQL overrides it.
import autocannon from "autocannon";
import { spawn } from "node:child_process";
import { cpus, totalmem } from "node:os";
import { readFileSync, writeFileSync } from "node:fs";
import { mintDevToken } from "../sandbox/dev-token.ts";
import { GATEWAY_PORT, KHQR_PORT, localConfig, SANDBOX_PORT } from "../sandbox/local-config.ts";
import { CPU_GROUP_NAMES, CPU_GROUPS, startCpuCount, type CpuGroup } from "./bench/process-cpu.ts";
import { buildWorker, environmentBuilds, kib, overBudget } from "./deploy/build.ts";
import { ENVIRONMENTS, WORKERS, type EnvironmentName } from "./deploy/workers.ts";
import { localDatabaseUrl, localSettings } from "./local-settings.ts";
import { quietWranglerEnv } from "./wrangler.ts";

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 300);
const QR_REQUESTS = Number(process.env.BENCH_QR_REQUESTS ?? 60);
const FLOOR_PORT = 8088;
/** BENCH_KINDS=bill,webhook (of inquiry, bill, webhook, qr) and BENCH_CONNECTIONS=1 narrow a run while you work; the floors always run. */
const KINDS = new Set((process.env.BENCH_KINDS ?? "inquiry,bill,webhook,qr").split(","));
const CONNECTIONS = (process.env.BENCH_CONNECTIONS ?? "1,10").split(",").map(Number);
const gateway = `http://127.0.0.1:${GATEWAY_PORT}`;
const khqr = `http://127.0.0.1:${KHQR_PORT}`;
const sandbox = `http://127.0.0.1:${SANDBOX_PORT}`;
const floor = `http://127.0.0.1:${FLOOR_PORT}`;
const config = localSettings(sandbox);
/** The effects floor produces to the sandbox's Kafka in the upstash protocol, whatever .dev.vars names for the gateway. */
const sandboxKafka = localConfig(sandbox);

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
  const timings = new StepTotals();
  const trips = new HeaderMean("x-round-trips");
  const recordTrips = new HeaderMean("x-record-round-trips");
  const amkTrips = new HeaderMean("x-amk-round-trips");
  // The run's own span, first request sent to last answer received: autocannon's `duration` is in
  // whole seconds, and its run ends on its next one-second tick, so either made req/s move in steps.
  let firstSent: number | undefined;
  let lastAnswered = 0;
  let answered = 0;
  const cpuPerRequest = startCpuCount();
  const result = await autocannon({
    url,
    connections,
    amount,
    timeout: 30,
    requests: [
      {
        setupRequest: (request) => {
          firstSent ??= performance.now();
          return { ...request, ...make(i++ % amount) };
        },
        onResponse: (_status, _body, _context, headers) => {
          lastAnswered = performance.now();
          answered += 1;
          timings.add(header(headers, "server-timing"));
          trips.add(headers);
          recordTrips.add(headers);
          amkTrips.add(headers);
        },
      },
    ],
  });
  return {
    rps: firstSent === undefined || answered === 0 ? 0 : answered / ((lastAnswered - firstSent) / 1000),
    p50: result.latency.p50,
    p99: result.latency.p99,
    mean: result.latency.average,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
    steps: timings.means(),
    // AMK's round trips, where the gateway counts them apart (x-amk-round-trips), beside ours.
    trips: ["n/a", "0"].includes(amkTrips.mean()) ? trips.mean() : `${trips.mean()} + ${amkTrips.mean()} AMK`,
    recordTrips: recordTrips.mean(),
    cpu: cpuPerRequest(answered),
  };
}

function header(headers: Record<string, string | string[]>, name: string): string | string[] | undefined {
  return Object.entries(headers).find(([key]) => key.toLowerCase() === name)?.[1];
}

/** The mean of a numeric response header over one run's responses: "n/a" when none carried it. */
class HeaderMean {
  private total = 0;
  private responses = 0;
  private readonly name: string;
  constructor(name: string) {
    this.name = name;
  }

  add(headers: Record<string, string | string[]>): void {
    const value = Number(header(headers, this.name));
    if (header(headers, this.name) === undefined || !Number.isFinite(value)) return;
    this.total += value;
    this.responses += 1;
  }

  mean(): string {
    if (this.responses === 0) return "n/a";
    const mean = this.total / this.responses;
    return Number.isInteger(mean) ? String(mean) : mean.toFixed(2);
  }
}

/** The workers' Server-Timing headers of one run, summed per step (`name;dur=ms`). */
class StepTotals {
  private readonly totals = new Map<string, number>();
  private responses = 0;

  add(header: string | string[] | undefined): void {
    if (typeof header !== "string") return;
    this.responses += 1;
    for (const part of header.split(",")) {
      const [name, ...params] = part.trim().split(";");
      const duration = Number(params.find((p) => p.startsWith("dur="))?.slice(4));
      if (name && Number.isFinite(duration)) this.totals.set(name, (this.totals.get(name) ?? 0) + duration);
    }
  }

  /** Mean ms per request of each step (over the requests that reported timings). */
  means(): Map<string, number> {
    return new Map([...this.totals].map(([name, total]) => [name, total / Math.max(1, this.responses)]));
  }
}

/** The floor worker's variables: the gateway's token settings, and the sandbox's Kafka for the effects floor's produces, as the local gateway's. */
function floorVars(): Record<string, string | undefined> {
  const { JWT_SECRET, JWT_ISSUER, JWT_AUDIENCE } = config;
  const { KAFKA_REST_URL, KAFKA_REST_USERNAME, KAFKA_REST_PASSWORD } = sandboxKafka;
  return { JWT_SECRET, JWT_ISSUER, JWT_AUDIENCE, KAFKA_REST_URL, KAFKA_REST_USERNAME, KAFKA_REST_PASSWORD };
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
      ...Object.entries(floorVars()).flatMap(([name, value]) => ["--var", `${name}:${value}`]),
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

/** How much of the effects floor's work after its answers has failed so far (its one isolate's count). */
async function effectsFailuresAfterTheAnswer(): Promise<number> {
  const reply = (await (await fetch(`${floor}/floor/after-answer-failures`)).json()) as { failures: number };
  return reply.failures;
}

type Floor = "inquiry" | "confirmation";
const FLOOR_NAMES: Record<Floor, string> = {
  inquiry: "inquiry floor (jose + scope + rate limit + KV read)",
  confirmation: "confirmation floor (+ one D1 batch: payment + outbox)",
};
/**
 * The third floor (bench/floor/effects-floor.ts): the confirmation floor's checks, then every
 * outside call a bill confirmation makes, by hand. The bill confirmation's ratio to it is what our
 * own code costs (on D1; on PostgreSQL also its connection per request), the webhook's a lower
 * bound of that; the effects floor's own ratio to the confirmation floor is what those calls cost.
 */
const EFFECTS_FLOOR_NAME = "effects floor (+ a bill's calls: DO admit ‖ D1 read, batch of 3; after: DO settle, 2 Kafka, D1 mark, 2 KV)";

interface Row {
  kind: string;
  /** The floor this row is read against (a floor row: its own). */
  floor: Floor;
  connections: number;
  rps: number;
  p50: number;
  p99: number;
  mean: number;
  ratio: string;
  /** The bill confirmation's, the webhook's and the effects floor's own req/s ratio to the effects floor of its run. */
  effectsRatio?: string;
  trips: string;
  recordTrips: string;
  failures: number;
  steps: Map<string, number>;
  /** CPU ms per request by process group, during the run (Linux only). */
  cpu: Map<CpuGroup, number> | undefined;
}

const appTokens = await Promise.all(
  Array.from({ length: Math.max(REQUESTS, QR_REQUESTS) }, (_, i) => mint(`bench-app-${run}-${i}`, ["payments:inquire", "khqr:generate"])),
);
// The floor's limiter allows a client 100 a minute: its confirmations come from many bank clients
// (same token checks, same one rate-limit call each).
const floorBankTokens = await Promise.all(
  Array.from({ length: REQUESTS }, (_, i) => mint(`bench-floor-bank-${run}-${i}`, ["payments:confirm"])),
);
// The bank routes allow one client 1,200 requests a minute (BANK_RATE_LIMIT). Each bank row is
// measured as its own client, so a row measures the route and not the limiter left by the row before.
let bank = "";
const asBankClient = async (row: string) => {
  bank = await mint(`amk-bank-${run}-${row}`, ["payments:confirm"]);
};
const auth = (token: string) => ({ authorization: `Bearer ${token}` });
const bankPost = (path: string, body: string) => ({
  method: "POST",
  path,
  headers: { ...auth(bank), "content-type": "application/json" },
  body,
});

/** Premiums the customer has seen (inquired), as a bank confirmation expects. */
async function inquired(count: number, label: string) {
  const premiums = await seedPremiums(count, label);
  for (const [i, premium] of premiums.entries()) {
    const response = await fetch(`${gateway}/AMK/payments?query=${premium.policyNumber}`, {
      headers: auth(appTokens[i % appTokens.length]!),
    });
    await response.arrayBuffer();
  }
  return premiums;
}

/** Premiums served and paid by KHQR: AMK's payment-verify reports each one paid. */
async function paidByKhqr(count: number, label: string) {
  const premiums = await inquired(count, label);
  for (const premium of premiums)
    // AMK's paidAt names the webhook's own instant (khqrWebhook's paid_datetime), as the contract has it.
    await post(`${sandbox}/__sandbox/amk/transactions`, {
      txId: String(premium.id),
      status: "SUCCESS",
      amount: 10.5,
      currency: "USD",
      paidAt: "2026-11-01 12:00:00",
    });
  return premiums;
}

const billConfirmation = (premium: { id: number; policyNumber: string }, transactionId: string) =>
  bankPost(
    "/AMK/payments",
    JSON.stringify({
      id: premium.id,
      policyNumber: premium.policyNumber,
      amount: 10.5,
      currency: "USD",
      bankTransactionId: transactionId,
      payer: "Bench Payer",
      paidDate: "20261101120000",
    }),
  );
const khqrWebhook = (premium: { id: number }) =>
  bankPost(
    "/AMK/khqr",
    JSON.stringify({
      invoice_number: String(premium.id),
      status: "SUCCESS",
      merchant_number: config.AMK_MERCHANT_ID,
      paid_amount: 10.5,
      currency: "USD",
      paid_datetime: "2026-11-01 12:00:00.000000",
    }),
  );
/** The confirmation floor's request: a bill confirmation's body, its own transaction id. */
const floorConfirmation = (
  premium: { id: number; policyNumber: string },
  transactionId: string,
  token: string,
  path = "/floor/confirm",
) => ({
  ...billConfirmation(premium, transactionId),
  path,
  headers: { ...auth(token), "content-type": "application/json" },
});

const rows: Row[] = [];
const stopFloor = await startFloor();
try {
  // The cached premium, in the gateway's cache and in the floor's own KV.
  const [cached] = await seedPremiums(1, "BC");
  const cachedPath = `/AMK/payments?query=${cached!.policyNumber}`;
  await fetch(`${gateway}${cachedPath}`, { headers: auth(appTokens[0]!) });
  await fetch(`${gateway}${cachedPath}`, { headers: auth(appTokens[1]!) });

  for (const connections of CONNECTIONS) {
    // Each run its own policies (a policy number holds 10 characters: the label's first letter says which run).
    const label = (kind: string) => `${connections === 1 ? "B" : "T"}${kind}`;
    const inquiryFloor = await measure(floor, connections, REQUESTS, (i) => ({ path: cachedPath, headers: auth(appTokens[i]!) }));
    // Premiums for the confirmation floor (each confirms its own transaction: no 409 in the run).
    const floorPremiums = await seedPremiums(REQUESTS, label("F"));
    const confirmationFloor = await measure(floor, connections, REQUESTS, (i) =>
      floorConfirmation(floorPremiums[i]!, `FLOOR${run}${connections}${i}`, floorBankTokens[i]!),
    );
    const failedAfterBefore = await effectsFailuresAfterTheAnswer();
    const effectsFloor = await measure(floor, connections, REQUESTS, (i) =>
      floorConfirmation(floorPremiums[i]!, `EFFECTS${run}${connections}${i}`, floorBankTokens[i]!, "/floor/confirm-effects"),
    );
    // Its work after the answer ends within a linger (100 ms) of the last answer; what failed counts as failed requests.
    await new Promise((resolve) => setTimeout(resolve, 500));
    effectsFloor.errors += (await effectsFailuresAfterTheAnswer()) - failedAfterBefore;
    const floors: Record<Floor, Awaited<ReturnType<typeof measure>>> = { inquiry: inquiryFloor, confirmation: confirmationFloor };
    for (const kind of ["inquiry", "confirmation"] as const) {
      const r = floors[kind];
      rows.push({ kind: FLOOR_NAMES[kind], floor: kind, connections, ...r, ratio: "1.00", failures: r.errors + r.non2xx });
    }
    const relative = (r: { rps: number; p99: number }, kind: Floor) =>
      `${(r.rps / floors[kind].rps).toFixed(2)} (p99 ${r.p99 >= floors[kind].p99 ? "+" : ""}${(r.p99 - floors[kind].p99).toFixed(1)} ms)`;
    const toEffects = (r: { rps: number }) => (r.rps / effectsFloor.rps).toFixed(2);
    /** `effects`: also read against the effects floor; `recordTrips`: what the row's record round trips column says instead of the mean. */
    const add = (
      kind: string,
      floorKind: Floor,
      r: Awaited<ReturnType<typeof measure>>,
      { recordTrips = r.recordTrips, effects = false }: { recordTrips?: string; effects?: boolean } = {},
    ) =>
      rows.push({
        kind,
        floor: floorKind,
        connections,
        ...r,
        recordTrips,
        ratio: relative(r, floorKind),
        ...(effects && { effectsRatio: toEffects(r) }),
        failures: r.errors + r.non2xx,
      });
    // Read against the effects floor: the bill confirmation, which makes its calls, and the webhook,
    // which makes them and more (AMK's verify, a receipt), so its ratio is a lower bound.
    add(EFFECTS_FLOOR_NAME, "confirmation", effectsFloor, { effects: true });

    if (KINDS.has("inquiry")) {
      const hit = await measure(gateway, connections, REQUESTS, (i) => ({ path: cachedPath, headers: auth(appTokens[i]!) }));
      add("inquiry, cached", "inquiry", hit);
    }

    const misses = await seedPremiums(REQUESTS, label("M"));
    const inquire = (i: number) => ({ path: `/AMK/payments?query=${misses[i]!.policyNumber}`, headers: auth(appTokens[i]!) });
    if (KINDS.has("inquiry")) add("inquiry, cache miss", "inquiry", await measure(gateway, connections, REQUESTS, inquire));
    else for (let i = 0; i < REQUESTS; i += 1) await fetch(`${gateway}${inquire(i).path}`, { headers: inquire(i).headers });

    // Bill confirmations of the premiums just inquired (as the customer saw them).
    const bill = (i: number) => billConfirmation(misses[i]!, `BENCH${run}${connections}${i}`);
    await asBankClient(`bill-${connections}`);
    if (KINDS.has("bill")) add("bill confirmation", "confirmation", await measure(gateway, connections, REQUESTS, bill), { effects: true });
    // The same confirmations again, as the bank's retries: answered by the idempotency object, with
    // nothing to do after the answer (no events, no cache mark). Beside the row above, it shows what
    // the after-answer work costs the answer's way back.
    await asBankClient(`replayed-${connections}`);
    if (KINDS.has("bill")) add("bill confirmation, replayed", "confirmation", await measure(gateway, connections, REQUESTS, bill));

    if (KINDS.has("webhook")) {
      // KHQR webhooks for premiums served, which AMK's payment-verify reports paid.
      const served = await paidByKhqr(REQUESTS, label("K"));
      const webhook = (i: number) => khqrWebhook(served[i]!);
      await asBankClient(`webhook-${connections}`);
      add("KHQR webhook (AMK verify included)", "confirmation", await measure(gateway, connections, REQUESTS, webhook), { effects: true });
    }

    if (!KINDS.has("qr")) continue;
    // A new QR for a premium the app has just shown (inquired, so in the cache), as a customer taps "pay".
    const forQr = await seedPremiums(QR_REQUESTS, label("Q"));
    for (const [i, premium] of forQr.entries())
      await fetch(`${gateway}/AMK/payments?query=${premium.policyNumber}`, { headers: auth(appTokens[i]!) });
    const qr = await measure(khqr, connections, QR_REQUESTS, (i) => ({
      path: `/khqr?bankCode=AMK&billNumber=${forQr[i]!.policyNumber}`,
      headers: auth(appTokens[i]!),
    }));
    // Read against the inquiry floor, as before: a QR's own record write goes through the gateway's RPC.
    add("QR generation (KHQR worker, AMK sandbox)", "inquiry", qr, { recordTrips: qr.recordTrips === "n/a" ? "via RPC" : qr.recordTrips });
  }
} finally {
  stopFloor();
}

const store = process.env.BENCH_STORE ?? (localDatabaseUrl() ? "PostgreSQL" : "D1");
if (store !== "D1" && store !== "PostgreSQL") throw new Error(`BENCH_STORE must be D1 or PostgreSQL (is ${store})`);
const ms = (value: number) => value.toFixed(1);
const table = [
  "| request | conc. | req/s | p50 ms | p99 ms | vs its floor: req/s ratio (p99 diff) | vs the effects floor | round trips (sequential) | record round trips | failed |",
  "|---|---|---|---|---|---|---|---|---|---|",
  ...rows.map(
    (r) =>
      `| ${r.kind} | ${r.connections} | ${r.rps.toFixed(0)} | ${ms(r.p50)} | ${ms(r.p99)} | ${r.kind === FLOOR_NAMES[r.floor] ? "1.00" : `${r.ratio} vs ${r.floor}`} | ${r.effectsRatio ?? ""} | ${r.trips} | ${r.recordTrips} | ${r.failures} |`,
  ),
].join("\n");

// Where the time of one request goes, at one connection: the workers' own Server-Timing (each
// outside call, our own named CPU work, and the handler), and what the client saw beyond the handler.
const timed = rows.filter((r) => r.connections === 1 && r.steps.has("handler"));
const breakdown = [
  "| request (1 connection, means) | client saw ms | handler ms | outside the handler ms | steps inside the handler (outside calls; `cpu.*` our own work), ms each |",
  "|---|---|---|---|---|",
  ...timed.map((r) => {
    const handler = r.steps.get("handler")!;
    const calls = [...r.steps].filter(([name]) => name !== "handler").map(([name, mean]) => `${name} ${ms(mean)}`);
    return `| ${r.kind} | ${ms(r.mean)} | ${ms(handler)} | ${ms(r.mean - handler)} | ${calls.join(", ") || "none"} |`;
  }),
].join("\n");
// Where each request's CPU goes on this machine, by process: what the route keeps busy besides its own worker.
const counted = rows.filter((r) => r.cpu);
const cpuTable = [
  `| request | conc. | ${CPU_GROUPS.map((g) => CPU_GROUP_NAMES[g]).join(" | ")} | all, ms per request |`,
  `|---|---|${CPU_GROUPS.map(() => "---|").join("")}---|`,
  ...counted.map((r) => {
    const cpu = r.cpu!;
    const all = [...cpu.values()].reduce((sum, value) => sum + value, 0);
    return `| ${r.kind} | ${r.connections} | ${CPU_GROUPS.map((g) => ms(cpu.get(g)!)).join(" | ")} | ${ms(all)} |`;
  }),
].join("\n");
// Every environment's bundles, and the gateway's PostgreSQL build beside a D1 one: each must fit
// 100 KiB gzipped (scripts/deploy/build.ts); one over it is flagged in the section and on stderr.
const budgetBreaches: string[] = [];
const bundles = (Object.keys(ENVIRONMENTS) as EnvironmentName[])
  .flatMap((envName) =>
    environmentBuilds(WORKERS, envName).map(({ worker, records }) => {
      const built = buildWorker(worker, envName, records);
      const name = `${envName} ${worker.id}${records === "postgres" ? " (PostgreSQL build)" : ""}`;
      if (built.error) {
        budgetBreaches.push(`${name}: build failed`);
        return `- ${name}: **build failed**`;
      }
      const over = overBudget(built);
      if (over) budgetBreaches.push(`${name}: ${over}`);
      return `- ${name}: ${kib(built.gzipBytes)} gzipped (${kib(built.bytes)})${over ? ` **${over}**` : ""}`;
    }),
  )
  .join("\n");
const machine = `${cpus().length} × ${cpus()[0]?.model.trim() ?? "cpu"}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.versions.node}`;
const section = [
  `Measured ${new Date().toISOString().slice(0, 10)} on ${machine}; ${REQUESTS} requests per kind (${QR_REQUESTS} QR), record store ${store}.`,
  "",
  table,
  "",
  "Where the time goes (Server-Timing; the handler less its outside calls is its own CPU, `cpu.*` steps included):",
  "",
  breakdown || "(start the stack with MEASURE_REQUESTS=true for the breakdown)",
  "",
  `CPU per request by process during each run (\`/proc\`; the machine's ${cpus().length} cores are shared by all of them; the floors run in their own \`wrangler dev\`):`,
  "",
  counted.length > 0 ? cpuTable : "(measured on Linux only)",
  "",
  "Bundles (`wrangler deploy --dry-run`, minified; budget 100 KiB gzipped each, in every environment, PostgreSQL build included):",
  "",
  bundles,
].join("\n");
console.log(`\n${section}\n`);
if (budgetBreaches.length > 0) {
  console.error(`!!! BUNDLE BUDGET: ${budgetBreaches.length} bundle(s) over 100 KiB gzipped:`);
  for (const breach of budgetBreaches) console.error(`!!!   ${breach}`);
  process.exitCode = 1;
}

if (process.argv.includes("--write")) {
  // Only this store's results are replaced; the analysis around them is written by hand.
  const doc = readFileSync("docs/benchmarks.md", "utf8");
  const begin = `<!-- bench:${store} -->`;
  const end = `<!-- /bench:${store} -->`;
  if (!doc.includes(begin) || !doc.includes(end)) throw new Error(`docs/benchmarks.md has no ${begin} ... ${end} section`);
  writeFileSync("docs/benchmarks.md", `${doc.slice(0, doc.indexOf(begin) + begin.length)}\n${section}\n${doc.slice(doc.indexOf(end))}`);
  console.log(`docs/benchmarks.md: the ${store} section is rewritten`);
}
