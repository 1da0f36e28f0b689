// `npm run bench:reconciliation`: how many QRs a minute reconciliation holds. Runs the real
// reconciliation pass (shared/payments/reconcile-khqr.ts) once a simulated minute against the
// in-memory record store, with AMK's payment-verify taking AMK_LATENCY_MS a call (simulated time:
// the clock moves by latency / lanes per call), while QRs are issued at each rate for
// SIM_MINUTES. A share of them is paid and its webhook lost, so only reconciliation can book it.
// A rate is held when no QR left the window owing its after-expiry check and every lost-webhook
// payment was booked. Deterministic (seeded); no network, no workerd.
//   AMK_LATENCY_MS=300 SIM_MINUTES=180 RATES=20,40,80,160,320 npm run bench:reconciliation
import { formatCambodiaDateTime } from "../shared/amk/bank-time.ts";
import { PaymentError } from "../shared/payments/errors.ts";
import { toMoney } from "../shared/payments/money.ts";
import { InMemoryIdempotency } from "../shared/payments/in-memory/idempotency.ts";
import { InMemoryPremiumCache, ManualClock } from "../shared/payments/in-memory/outside-systems.ts";
import { InMemoryRecordStore } from "../shared/payments/in-memory/record-store.ts";
import type { PaymentVerifier, Verification } from "../shared/payments/ports.ts";
import { EXPIRED_GRACE_MS, reconcileKhqrPayments } from "../shared/payments/reconcile-khqr.ts";
import { recordQrIssuance } from "../shared/payments/record-qr-issuance.ts";

const MINUTE = 60_000;
const latencyMs = Number(process.env.AMK_LATENCY_MS ?? 300);
const minutes = Number(process.env.SIM_MINUTES ?? 180);
const rates = (process.env.RATES ?? "40,160,320,480,560,640").split(",").map(Number);
const lifetimeMs = 15 * MINUTE; // the sandbox's, and a typical dynamic KHQR's
const lostShare = 0.05; // QRs paid whose webhook never arrives
const MERCHANT_ID = "900000000290002";

interface SimulatedRun {
  rate: number;
  issued: number;
  lostWebhooks: number;
  booked: number;
  closedUnchecked: number;
  checks: number;
  longestRunS: number;
}

async function simulate(rate: number): Promise<SimulatedRun> {
  const start = new Date("2026-03-01T00:00:00Z").getTime();
  const clock = new ManualClock(new Date(start));
  const records = new InMemoryRecordStore();
  const paidAt = new Map<string, number>();
  let checks = 0;
  let random = 42;
  const next = () => (random = (random * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
  const verifier: PaymentVerifier = {
    async verify(txId: string): Promise<Verification> {
      checks += 1;
      clock.advance(latencyMs / 4); // four lanes side by side
      const paid = paidAt.get(txId);
      if (paid === undefined || paid > clock.now().getTime()) {
        return { reply: "PENDING", refusal: new PaymentError("TRANSACTION_VERIFY_FAILED", "not paid") };
      }
      return { reply: "SUCCESS", verified: { txId, money: toMoney(10, "USD"), paidAt: formatCambodiaDateTime(paid) } };
    },
  };
  const deps = {
    records,
    cache: new InMemoryPremiumCache(),
    verifier,
    idempotency: new InMemoryIdempotency(),
    clock,
    merchantId: MERCHANT_ID,
  };
  const result: SimulatedRun = { rate, issued: 0, lostWebhooks: 0, booked: 0, closedUnchecked: 0, checks: 0, longestRunS: 0 };
  // Issue for `minutes`, then keep reconciling until every QR has left its window.
  const drainMinutes = Math.ceil((lifetimeMs + EXPIRED_GRACE_MS) / MINUTE) + 2;
  for (let minute = 0; minute < minutes + drainMinutes; minute += 1) {
    const minuteStart = start + minute * MINUTE;
    if (clock.now().getTime() < minuteStart) clock.advance(minuteStart - clock.now().getTime());
    if (minute < minutes) {
      for (let i = 0; i < rate; i += 1) {
        const id = 10_000_000 + result.issued;
        result.issued += 1;
        const premium = {
          id,
          policyNumber: `S${String(id).padStart(9, "0")}`,
          payer: "Sim",
          money: toMoney(10, "USD"),
          dueDate: "2026-03-31",
        };
        await records.commit({ premium, events: [] }, clock.now());
        const expiresAt = new Date(clock.now().getTime() + lifetimeMs).toISOString();
        await recordQrIssuance(deps, { paymentId: id, bankCode: "AMK", qrString: "sim", expiresAt });
        if (next() < lostShare) {
          result.lostWebhooks += 1;
          paidAt.set(String(id), clock.now().getTime() + Math.floor(next() * lifetimeMs));
        }
      }
    }
    const runStart = clock.now().getTime();
    const report = await reconcileKhqrPayments(deps);
    result.booked += report.confirmed;
    result.closedUnchecked += report.closedUnchecked;
    result.longestRunS = Math.max(result.longestRunS, (clock.now().getTime() - runStart) / 1000);
    // QRs past their window (closed by the run above if they owed a check) are forgotten, so the
    // in-memory store, which scans every QR it holds, keeps a long simulation quick.
    const forgotten = new Date(clock.now().getTime() - EXPIRED_GRACE_MS - 2 * MINUTE).toISOString();
    for (const [invoice, qr] of records.issuances)
      if (qr.expiresAt !== undefined && qr.expiresAt < forgotten) records.issuances.delete(invoice);
  }
  result.checks = checks;
  return result;
}

const log = console.log;
console.log = () => {}; // the pass's own log lines (alerts are counted from its report)
const rows: SimulatedRun[] = [];
for (const rate of rates) {
  const started = performance.now();
  rows.push(await simulate(rate));
  process.stderr.write(`rate ${rate}/min simulated in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
}
console.log = log;

console.log(
  `Reconciliation, simulated: AMK verify ${latencyMs} ms a call, 4 lanes, 40 s budget a minute, QRs live ${lifetimeMs / MINUTE} min,`,
);
console.log(`issued for ${minutes} min, ${lostShare * 100} % paid with the webhook lost.\n`);
console.log(
  "| QRs a minute | issued | lost webhooks | booked by reconciliation | left the window unchecked | AMK calls per QR | longest run (s) | held |",
);
console.log("|---|---|---|---|---|---|---|---|");
for (const r of rows) {
  const held = r.closedUnchecked === 0 && r.booked === r.lostWebhooks;
  console.log(
    `| ${r.rate} | ${r.issued} | ${r.lostWebhooks} | ${r.booked} | ${r.closedUnchecked} | ${(r.checks / r.issued).toFixed(2)} | ${r.longestRunS.toFixed(0)} | ${held ? "yes" : "no"} |`,
  );
}
