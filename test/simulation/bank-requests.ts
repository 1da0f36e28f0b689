// The bank's side of the bank routes: AMK's webhook for each KHQR payment and its confirmation of
// each bill payment, retried as the contract allows until a final answer (a 5xx, a lost answer,
// "in flight" or "not confirmed yet" is retried with backoff). Every answer is kept for the
// invariants.
import { formatCambodiaDateTime } from "#shared/amk/bank-time.ts";
import { toAmount } from "#shared/payments/money.ts";
import { MERCHANT_ID, type BankPayment } from "./bank.ts";
import type { Task } from "./scheduler.ts";
import type { Sim } from "./sim.ts";
import type { BankAnswer, BillBody, WebhookBody } from "./world.ts";

const MAX_ATTEMPTS = 40;
const backoffMs = (attempt: number) => Math.min(10 * 60_000, 5_000 * 2 ** Math.min(attempt, 8));

/** Bill `paidDate`: `yyyyMMddHHmmss`, GMT+7. */
const formatPaidDate = (epochMs: number) => formatCambodiaDateTime(epochMs).replace(/[- :]/g, "");

/** `paid_datetime` as AMK renders it: full microseconds, or the millisecond padded with zeros (both valid, same instant). */
export function paidDatetime(payment: BankPayment, rendering: "micros" | "millis"): string {
  const ms = String(payment.paidAtMs % 1000).padStart(3, "0");
  const micros = rendering === "micros" ? String(payment.micros).padStart(3, "0") : "000";
  return `${formatCambodiaDateTime(payment.paidAtMs)}.${ms}${micros}`;
}

function webhookBody(payment: BankPayment, rendering: "micros" | "millis"): WebhookBody {
  return {
    invoice_number: String(payment.paymentId),
    status: "SUCCESS",
    merchant_number: MERCHANT_ID,
    paid_amount: toAmount(payment.money),
    currency: payment.money.currency,
    paid_datetime: paidDatetime(payment, rendering),
  };
}

/** Whether the bank stops retrying on this answer. */
export function finalForBank(answer: BankAnswer): boolean {
  if (answer.status === 200) return true;
  const error = (JSON.parse(answer.body) as { error?: { code: string; details?: string } }).error;
  if (answer.status === 409) return error?.details !== "IN_FLIGHT";
  return answer.status === 422 && error?.code === "PAYMENT_VERIFICATION_DATA_MISMATCHED";
}

/** One call of a bank route as its own request; null when the request died before answering. */
async function call(sim: Sim, route: "bill" | "webhook", payment: BankPayment, key: string, send: (task: Task) => Promise<BankAnswer>) {
  const outcome = await sim.sched.spawn(`${route} ${payment.ref}`, payment.paymentId, send);
  if (outcome.kind === "crashed") return null;
  if (outcome.kind === "threw") throw outcome.error; // the routes answer every error: this is a harness bug
  const answer = outcome.value;
  sim.seen.answered({
    route,
    key,
    paymentId: payment.paymentId,
    ref: payment.ref,
    ...answer,
    step: sim.sched.steps,
    atMs: sim.clock.nowMs(),
  });
  sim.trace.add(
    `bank <- ${route} ${payment.ref}: ${answer.status}${answer.replayed ? " (replayed)" : ""} ${answer.body.slice(0, 140)}`,
    payment.paymentId,
  );
  return answer;
}

/**
 * AMK's webhook for a KHQR payment: sent a moment after the payment, retried until final, each
 * retry rendering `paid_datetime` as before or the other way; sometimes sent again after a success
 * (at-least-once). When `mayBeLost`, all of them may be lost: reconciliation must find the payment.
 */
export async function sendWebhooks(sim: Sim, payment: BankPayment, mayBeLost: boolean): Promise<void> {
  const { prng, bank, clock } = sim;
  await clock.sleep(sim.lateWebhooks ? prng.int(150_000, 720_000) : prng.int(200, 8_000));
  if (mayBeLost && prng.chance(sim.webhookLoss)) {
    bank.count("webhook lost");
    bank.lostWebhooks.add(payment.ref);
    sim.trace.add(`bank: every webhook of ${payment.ref} is lost`, payment.paymentId);
    return;
  }
  let rendering: "micros" | "millis" = prng.chance(0.5) ? "micros" : "millis";
  const send = async () => {
    const body = webhookBody(payment, rendering);
    bank.renderings.set(payment.ref, (bank.renderings.get(payment.ref) ?? new Set()).add(body.paid_datetime));
    const key = `khqr:${body.invoice_number}:${JSON.stringify(body)}`;
    return call(sim, "webhook", payment, key, (task) => sim.world.webhook(task, body));
  };
  for (let attempt = 1; ; attempt += 1) {
    const answer = await send();
    if (answer && finalForBank(answer)) break;
    if (attempt >= MAX_ATTEMPTS) return void bank.count("webhook retries given up");
    await clock.sleep(backoffMs(attempt) + prng.int(0, 2_000));
    bank.count("webhook retried");
    if (prng.chance(0.3)) {
      rendering = rendering === "micros" ? "millis" : "micros";
      bank.count("webhook re-rendered paid_datetime");
    }
  }
  if (prng.chance(0.15)) {
    await clock.sleep(prng.int(1_000, 300_000));
    bank.count("webhook sent again after a final answer");
    if (prng.chance(0.5)) rendering = rendering === "micros" ? "millis" : "micros";
    await send();
  }
}

/**
 * AMK's confirmation of a bill payment, retried until final. A 200 or a 409 "already paid" (the
 * gateway flags that money) leaves the money with the gateway; any other final refusal, or a
 * premium still unknown after a few tries, and the bank gives the money back.
 */
export async function confirmBill(sim: Sim, payment: BankPayment): Promise<void> {
  const { prng, bank, clock } = sim;
  const body: BillBody = {
    id: payment.paymentId,
    policyNumber: payment.policyNumber,
    amount: toAmount(payment.money),
    currency: payment.money.currency,
    bankTransactionId: payment.bankTransactionId!,
    payer: "Sok Dara",
    paidDate: formatPaidDate(payment.paidAtMs),
  };
  await clock.sleep(prng.int(100, 3_000));
  let notFound = 0;
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt += 1) {
    const answer = await call(sim, "bill", payment, `bill:${body.bankTransactionId}`, (task) => sim.world.confirmBill(task, body));
    if (answer && (answer.status === 200 || (answer.status === 409 && finalForBank(answer)))) return;
    if (answer && answer.status === 404) notFound += 1;
    if (answer && (answer.status === 422 || answer.status === 400 || notFound >= 5)) break;
    await clock.sleep(backoffMs(attempt) + prng.int(0, 2_000));
    bank.count("bill confirmation retried");
  }
  payment.reversed = true;
  bank.count("bill payment reversed (refused)");
  sim.trace.add(`bank: ${payment.ref} reversed (no confirmation)`, payment.paymentId);
}
