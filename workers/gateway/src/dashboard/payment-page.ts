// GET /ops/payments/{paymentId} for a browser: the premium's story as one page (the same figures as
// the JSON), and for each payment exception still open, the form that records what was done about
// it (POST /ops/exceptions/{exceptionId}/resolve, with the session's form token).
import { EXCEPTION_RESOLUTIONS } from "#shared/events/payment-events.ts";
import type { PaymentExceptionView } from "./exception-view.ts";
import { escapeHtml as e } from "./charts.ts";
import { operatorPage } from "./page-shell.ts";

export interface PaymentPageData {
  paymentId: number;
  premium: { policyNumber: string; payer: string; amount: number; currency: string; dueDate: string } | null;
  payment: { channel: string; transactionId: string; paidAt: string; confirmedAt: string; amount: number; currency: string } | null;
  issuance: { invoiceNumber: string; bankCode: string; issuedAt: string; expiresAt?: string; amount: number; currency: string } | null;
  receipts: {
    source: string;
    status: string;
    outcome: string;
    paidAmount: number;
    currency: string;
    receivedAt: string;
    verifyMs?: number;
  }[];
  exceptions: PaymentExceptionView[];
  events: { type: string; topic: string; state: string; attempts: number; createdAt: string; lastError: string | null }[];
}

// Made once: an Intl.NumberFormat is costly to build. Amounts show up to 2 decimals (`USD 150`, `USD 89.5`).
const AMOUNT = new Intl.NumberFormat("en-US", { maximumFractionDigits: 2 });
const money = (amount: number, currency: string) => `${e(currency)} ${AMOUNT.format(amount)}`;
const rows = (pairs: [string, string][]) => pairs.map(([k, v]) => `<tr><th>${e(k)}</th><td>${v}</td></tr>`).join("");

/** What an operator may still record, given where the exception stands (judgeResolution's rules). */
function nextResolutions(exception: PaymentExceptionView): readonly string[] {
  const current = exception.resolution?.resolution;
  if (!current) return EXCEPTION_RESOLUTIONS;
  return current === "refund-requested" ? ["refunded"] : [];
}

function exceptionSection(exception: PaymentExceptionView, formToken: string): string {
  const state = exception.resolution?.resolution ?? "open";
  const steps = exception.resolutions
    .map(
      (r) =>
        `<li data-resolution="${e(r.resolution)}"><strong>${e(r.resolution)}</strong> by <span data-field="resolved-by">${e(r.resolvedBy)}</span>, ${e(r.resolvedAt)}: ${e(r.note)}</li>`,
    )
    .join("");
  const choices = nextResolutions(exception);
  const form = choices.length
    ? `<form method="post" action="/ops/exceptions/${e(exception.exceptionId)}/resolve">` +
      `<input type="hidden" name="formToken" value="${e(formToken)}">` +
      `<label>What was done <select name="resolution">${choices.map((r) => `<option value="${e(r)}">${e(r)}</option>`).join("")}</select></label>` +
      `<label>Note (ticket, who was asked) <textarea name="note" rows="2" maxlength="1000" required></textarea></label>` +
      `<button type="submit">Record</button></form>`
    : "";
  return (
    `<section class="wide" id="exception-${e(exception.exceptionId)}" data-exception="${e(exception.exceptionId)}">` +
    `<h2>Payment exception: ${e(exception.kind)}</h2><table>` +
    rows([
      ["state", `<span data-field="state" class="${state === "open" ? "bad" : "good"}">${e(state)}</span>`],
      [
        exception.kind === "DUPLICATE_PAYMENT" ? "money to return" : "amount the bank reported",
        money(exception.amount, exception.currency),
      ],
      ["channel", e(exception.channel)],
      ["bank transaction", `<code>${e(exception.transactionId)}</code>`],
      ["flagged at", e(exception.recordedAt)],
    ]) +
    `</table>${steps ? `<ul>${steps}</ul>` : ""}${form}</section>`
  );
}

export function renderPaymentPage(
  data: PaymentPageData,
  context: { nonce: string; formToken: string; environment: string; operator: string },
): string {
  const { premium, payment, issuance } = data;
  const premiumRows = premium
    ? rows([
        ["policy", e(premium.policyNumber)],
        ["payer", e(premium.payer)],
        ["amount", money(premium.amount, premium.currency)],
        ["due", e(premium.dueDate)],
      ])
    : `<tr><td>not served by the gateway</td></tr>`;
  const paymentRows = payment
    ? rows([
        ["channel", e(payment.channel)],
        ["amount", money(payment.amount, payment.currency)],
        ["bank transaction", `<code>${e(payment.transactionId)}</code>`],
        ["paid", e(payment.paidAt)],
        ["booked", e(payment.confirmedAt)],
      ])
    : `<tr><td>no payment booked</td></tr>`;
  const issuanceRows = issuance
    ? rows([
        ["invoice", e(issuance.invoiceNumber)],
        ["amount", money(issuance.amount, issuance.currency)],
        ["issued", e(issuance.issuedAt)],
        ["expires", e(issuance.expiresAt ?? "")],
      ])
    : `<tr><td>no QR issued</td></tr>`;
  const receipts = data.receipts
    .map(
      (r) =>
        `<tr><td>${e(r.receivedAt)}</td><td>${e(r.source)}</td><td>${e(r.status)}</td><td>${money(r.paidAmount, r.currency)}</td><td>${e(r.outcome)}</td><td class="n">${r.verifyMs ?? ""}</td></tr>`,
    )
    .join("");
  const events = data.events
    .map(
      (ev) =>
        `<tr><td>${e(ev.createdAt)}</td><td><code>${e(ev.topic)}</code></td><td>${e(ev.state)}</td><td class="n">${ev.attempts}</td></tr>`,
    )
    .join("");
  const body =
    data.exceptions.map((x) => exceptionSection(x, context.formToken)).join("") +
    `<section><h2>Premium</h2><table>${premiumRows}</table></section>` +
    `<section><h2>Payment</h2><table>${paymentRows}</table></section>` +
    `<section><h2>KHQR issued</h2><table>${issuanceRows}</table></section>` +
    `<section class="wide"><h2>KHQR reports</h2><table><tr><th>received</th><th>source</th><th>status</th><th>amount</th><th>outcome</th><th>verify ms</th></tr>${receipts || `<tr><td colspan="6">none</td></tr>`}</table></section>` +
    `<section class="wide"><h2>Events</h2><table><tr><th>created</th><th>topic</th><th>state</th><th>attempts</th></tr>${events || `<tr><td colspan="4">none</td></tr>`}</table></section>`;
  return operatorPage({
    title: `Payment ${data.paymentId}: AMK Payment Hub`,
    heading: `Payment ${data.paymentId}${premium ? ` · ${premium.policyNumber}` : ""}`,
    subtitle: `${e(context.environment)} · signed in as <span id="operator">${e(context.operator)}</span> · <a href="/ops/dashboard">dashboard</a>`,
    nonce: context.nonce,
    body,
  });
}
