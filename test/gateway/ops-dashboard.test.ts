// GET /ops/dashboard on each store: the figures are the records' own (payments, refusals, exceptions,
// the KHQR funnel, the outbox, AMK's verify latency), each alert fires when its rule's condition
// holds, and the page is HTML with inline SVG under a CSP that allows no script at all.
// The tests of this file share its store and run in order: each reads what it changed as a difference.
import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { seedVerify } from "../support/amk.ts";
import { billConfirmationFor } from "../support/bill-payment.ts";
import { callGateway } from "../support/gateway.ts";
import { khqrWebhookFor, paidPremium, sendWebhook } from "../support/khqr-webhook.ts";
import { refuseKafka, seedPremium } from "../support/sandbox.ts";
import { tokenFor } from "../support/tokens.ts";
import { execute, queryRow, queryRows } from "../support/records.ts";

async function dashboard(): Promise<{ response: Response; html: string }> {
  const response = await callGateway("/ops/dashboard", { token: await tokenFor(["payments:operate"], { subject: "ops-desk" }) });
  return { response, html: await response.text() };
}

/** What the page says: alerts firing, and the cells marked with data-field inside a row or section. */
function read(html: string) {
  const firing = (name: string) => {
    const match = new RegExp(`data-alert="${name}" data-firing="(true|false)"`).exec(html);
    if (!match) throw new Error(`no alert ${name} on the page`);
    return match[1] === "true";
  };
  const cell = (scope: string, field: string) => {
    const start = html.indexOf(scope);
    if (start < 0) throw new Error(`no ${scope} on the page`);
    const match = new RegExp(`data-field="${field}">([^<]*)<`).exec(html.slice(start));
    if (!match) throw new Error(`no ${field} in ${scope}`);
    return match[1]!;
  };
  const number = (scope: string, field: string) => Number(cell(scope, field).replace(/[^0-9.]/g, ""));
  const bar = (label: string) => Number(new RegExp(`data-bar="${label}" data-value="([0-9.]+)"`).exec(html)?.[1] ?? NaN);
  /** A figure of the newest 15-minute slot of the payments chart (the slot this test runs in). */
  const slotNow = (field: string) => {
    const chart = html.slice(html.indexOf('id="payments-per-slot"'));
    const slots = [...chart.matchAll(new RegExp(`<g data-slot="[^"]+"[^>]* data-${field}="([0-9]+)"`, "g"))];
    return Number(slots.at(-1)?.[1] ?? NaN);
  };
  return { firing, cell, number, bar, slotNow };
}

const SLOT_MS = 15 * 60_000;
const SLOT_EDGE_MARGIN_MS = 15_000;

/**
 * The per-slot figures are compared before and after within one 15-minute slot: a test that would
 * straddle a slot's edge waits for the next slot first (a run at hh:44:59 once read a new, empty slot).
 */
async function awayFromSlotEdge(): Promise<void> {
  const untilEdge = SLOT_MS - (Date.now() % SLOT_MS);
  if (untilEdge < SLOT_EDGE_MARGIN_MS) await new Promise((resolve) => setTimeout(resolve, untilEdge + 200));
}

/**
 * The tests get that wait on top of vitest's 5 s. Without it, a run that reached them within 15 s of
 * a quarter hour timed out, and the timed-out test, still running, booked its payment into the next
 * test's outbox figures (CI at 04:29:40: a timeout, then "expected 3 to be 2").
 */
const slotEdgeTimeout = { timeout: SLOT_EDGE_MARGIN_MS + 10_000 };

async function flaggedBillPayment() {
  const premium = await seedPremium();
  expect((await callGateway("/AMK/payments", { method: "POST", body: billConfirmationFor(premium) })).status).toBe(200);
  expect((await callGateway("/AMK/payments", { method: "POST", body: billConfirmationFor(premium) })).status).toBe(409);
  const row = await queryRow<{ exception_id: string }>("SELECT exception_id FROM payment_exceptions WHERE payment_id = ?", premium.id);
  return { premium, exceptionId: row!.exception_id };
}

async function qrIssued(premium: { id: number }) {
  const issued = await (exports as any).GatewayEntrypoint.recordQrIssued({ paymentId: premium.id, bankCode: "AMK", qrString: "x" });
  expect(issued.ok).toBe(true);
}

const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();

describe("GET /ops/dashboard", slotEdgeTimeout, () => {
  it("a fresh store: every alert quiet, nothing waiting; an HTML page with SVG charts under a CSP without script", async () => {
    const { response, html } = await dashboard();
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/html; charset=utf-8");
    const csp = response.headers.get("content-security-policy")!;
    expect(csp).toMatch(
      /^default-src 'none'; style-src 'nonce-[0-9a-f]{32}'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'$/,
    );
    expect(csp).not.toContain("script-src");
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(html).not.toMatch(/<script|javascript:|\son[a-z]+=|\sstyle=|https?:\/\/(?!www\.w3\.org\/2000\/svg)/i);
    expect(html).toContain(`<style nonce="${/nonce-([0-9a-f]+)/.exec(csp)![1]}">`);
    expect(html.match(/<svg /g)?.length).toBeGreaterThanOrEqual(4);
    const page = read(html);
    for (const alert of ["outbox-lag", "event-dead-lettered", "payment-exception", "amk-error-rate", "success-rate-drop"]) {
      expect(page.firing(alert), alert).toBe(false);
    }
    expect(page.cell('id="outbox"', "oldest-age")).toBe("none");
    expect(page.number('id="outbox"', "backlog")).toBe(0);
    expect(page.cell('id="outbox"', "last-published")).toBe("never");
  });

  it("a payment and a second one of the same premium: booked, refused, volume, an open exception firing until it is resolved", async () => {
    await awayFromSlotEdge();
    const before = read((await dashboard()).html);
    const { exceptionId } = await flaggedBillPayment();
    const after = read((await dashboard()).html);
    expect(after.number('data-channel="BILL"', "booked")).toBe(before.number('data-channel="BILL"', "booked") + 1);
    // The second payment is the bank's, flagged as money to return: not a refusal of ours.
    expect(after.number('data-channel="BILL"', "refused")).toBe(before.number('data-channel="BILL"', "refused"));
    expect(after.number('id="exceptions"', "second-payments")).toBe(before.number('id="exceptions"', "second-payments") + 1);
    expect(after.slotNow("bill")).toBe(before.slotNow("bill") + 1);
    expect(after.number('data-currency="USD"', "payments")).toBe(1);
    expect(after.cell('data-currency="USD"', "amount")).toBe("150");
    expect(after.bar("BILL DUPLICATE_PAYMENT")).toBeNaN();
    expect(after.number('id="exceptions"', "open")).toBe(1);
    expect(after.firing("payment-exception")).toBe(true);
    expect(after.number('id="outbox"', "backlog")).toBe(0);
    expect(after.cell('id="outbox"', "last-published")).toMatch(/^\d{4}-\d\d-\d\dT/);

    const token = await tokenFor(["payments:operate"]);
    const requested = await callGateway(`/ops/exceptions/${exceptionId}/resolution`, {
      method: "POST",
      token,
      body: { resolution: "refund-requested", note: "ticket 1" },
    });
    expect(requested.status).toBe(200);
    const awaiting = read((await dashboard()).html);
    expect([awaiting.number('id="exceptions"', "open"), awaiting.number('id="exceptions"', "refund-requested")]).toEqual([0, 1]);
    expect(awaiting.firing("payment-exception")).toBe(true);
    await callGateway(`/ops/exceptions/${exceptionId}/resolution`, {
      method: "POST",
      token,
      body: { resolution: "refunded", note: "done" },
    });
    const resolved = read((await dashboard()).html);
    expect([resolved.number('id="exceptions"', "open"), resolved.number('id="exceptions"', "refund-requested")]).toEqual([0, 0]);
    expect(resolved.firing("payment-exception")).toBe(false);
  });

  it("the KHQR funnel and AMK's verify latency and errors come from the QRs and the receipts", async () => {
    const before = read((await dashboard()).html);
    const paid = await paidPremium();
    await qrIssued(paid);
    expect((await sendWebhook(khqrWebhookFor(paid))).status).toBe(200);
    const [receipt] = await queryRows<{ verify_ms: number | null }>(
      "SELECT verify_ms FROM webhook_receipts WHERE invoice_number = ?",
      String(paid.id),
    );
    expect(receipt!.verify_ms).toEqual(expect.any(Number));
    expect(receipt!.verify_ms).toBeGreaterThanOrEqual(0);

    const lapsed = await seedPremium();
    await callGateway(`/AMK/payments?query=${lapsed.policyNumber}`);
    await qrIssued(lapsed);
    await execute("UPDATE khqr_issuances SET expires_at = ? WHERE invoice_number = ?", minutesAgo(1), String(lapsed.id));

    // AMK answers 503: the verify call failed, its duration is kept without a reply.
    const down = await paidPremium();
    await seedVerify(String(down.id), { respond: { httpStatus: 503 } });
    expect((await sendWebhook(khqrWebhookFor(down))).status).toBe(503);
    const failedReceipt = await queryRow<{ verify_ms: number | null; verify_reply: string | null; outcome: string }>(
      "SELECT verify_ms, verify_reply, outcome FROM webhook_receipts WHERE invoice_number = ?",
      String(down.id),
    );
    expect(failedReceipt).toEqual({ verify_ms: expect.any(Number), verify_reply: null, outcome: "SERVER_UNAVAILABLE" });

    const after = read((await dashboard()).html);
    expect(after.bar("issued") - before.bar("issued")).toBe(2);
    expect(after.bar("paid") - before.bar("paid")).toBe(1);
    expect(after.bar("expired unpaid") - before.bar("expired unpaid")).toBe(1);
    expect(after.number('id="amk"', "calls") - before.number('id="amk"', "calls")).toBe(2);
    expect(after.cell('id="amk"', "error-rate")).toMatch(/^50\.0 % \(1\)$/);
    expect(Number.isFinite(after.bar("p99"))).toBe(true);
    expect(after.number('data-channel="KHQR"', "booked") - before.number('data-channel="KHQR"', "booked")).toBe(1);
    expect(after.bar("KHQR SERVER_UNAVAILABLE")).toBe(1);
    expect(after.cell('data-upstream="AMK payment-verify"', "breaker")).toBe("closed");
  });

  it("a second KHQR payment of a paid premium is money to return, not a refusal; another refusal still counts", async () => {
    await awayFromSlotEdge();
    const before = read((await dashboard()).html);
    const paid = await paidPremium();
    expect((await sendWebhook(khqrWebhookFor(paid))).status).toBe(200);
    const second = await sendWebhook(khqrWebhookFor(paid, { paid_datetime: "2025-10-07 12:30:00.000000" }));
    expect(second.status).toBe(409);
    const afterSecond = read((await dashboard()).html);
    expect(afterSecond.number('data-channel="KHQR"', "booked")).toBe(before.number('data-channel="KHQR"', "booked") + 1);
    expect(afterSecond.number('data-channel="KHQR"', "refused")).toBe(before.number('data-channel="KHQR"', "refused"));
    expect(afterSecond.number('id="exceptions"', "second-payments")).toBe(before.number('id="exceptions"', "second-payments") + 1);
    expect(afterSecond.slotNow("khqr")).toBe(before.slotNow("khqr") + 1);

    const other = await paidPremium();
    expect((await sendWebhook(khqrWebhookFor(other, { paid_amount: other.amount + 1 }))).status).toBe(422);
    const afterRefusal = read((await dashboard()).html);
    expect(afterRefusal.number('data-channel="KHQR"', "refused")).toBe(before.number('data-channel="KHQR"', "refused") + 1);
  });

  it("draws 96 slots of 15 minutes per time chart, and sizes a bar chart's label column to its longest label", async () => {
    const { html } = await dashboard();
    for (const id of ["payments-per-slot", "success-per-slot", "verify-per-slot"]) {
      const chart = html.slice(html.indexOf(`id="${id}"`), html.indexOf("</svg>", html.indexOf(`id="${id}"`)));
      const slots = [...chart.matchAll(/<g data-slot="([^"]+)"/g)].map((m) => Date.parse(m[1]!));
      expect(slots, id).toHaveLength(96);
      expect(
        slots.every((t, i) => i === 0 || t - slots[i - 1]! === 15 * 60_000),
        id,
      ).toBe(true);
    }
    // Each right-anchored label ends 8 units left of its bar, which starts after room for the longest label.
    for (const match of html.matchAll(/<text x="([0-9.]+)" y="[0-9.]+" text-anchor="end" font-size="13"[^>]*>([^<]*)<\/text>/g)) {
      expect(Number(match[1]), match[2]).toBeGreaterThanOrEqual(match[2]!.length * 8.5);
    }
  });

  it("outbox lag and dead letters fire from the outbox's own rows", async () => {
    const premium = await seedPremium();
    await refuseKafka(premium.policyNumber, true);
    // Confluent's flavor: one refused produce per event (the upstash client retries for ~15 s).
    const confluent = { KAFKA_REST_FLAVOR: "confluent-v3" } as Partial<Cloudflare.Env>;
    expect((await callGateway("/AMK/payments", { method: "POST", body: billConfirmationFor(premium), env: confluent })).status).toBe(200);
    const waiting = read((await dashboard()).html);
    expect(waiting.number('id="outbox"', "backlog")).toBe(2);
    expect(waiting.firing("outbox-lag")).toBe(false);

    await execute("UPDATE event_outbox SET created_at = ? WHERE message_key = ?", minutesAgo(6), premium.policyNumber);
    const lagging = read((await dashboard()).html);
    expect(lagging.firing("outbox-lag")).toBe(true);
    expect(lagging.number('id="outbox"', "oldest-age")).toBeGreaterThanOrEqual(360);

    await execute("UPDATE event_outbox SET dead_at = ?, attempts = 12 WHERE message_key = ?", minutesAgo(0), premium.policyNumber);
    const dead = read((await dashboard()).html);
    expect(dead.number('id="outbox"', "dead")).toBe(2);
    expect(dead.firing("event-dead-lettered")).toBe(true);
    expect(dead.firing("outbox-lag")).toBe(false);
    await refuseKafka(premium.policyNumber, false);
  });

  it("AMK's error rate and a channel's success rate fire over their thresholds in the last hour, not for older failures", async () => {
    const receipt = (outcome: string, receivedAt: string, verifyMs: number | null, reply: string | null) =>
      execute(
        `INSERT INTO webhook_receipts (invoice_number, status, merchant_number, paid_amount, currency, paid_datetime, received_at, outcome, request_id, source, verify_reply, verify_ms)
         VALUES ('9', 'SUCCESS', 'm', '1', 'USD', 'x', ?, ?, 'r', 'WEBHOOK', ?, ?)`,
        receivedAt,
        outcome,
        reply,
        verifyMs,
      );
    // Two hours ago: counted in the day's figures, not judged by the alerts.
    for (let i = 0; i < 12; i += 1) await receipt("SERVER_UNAVAILABLE", minutesAgo(120), 10_000, null);
    const old = read((await dashboard()).html);
    expect(old.firing("amk-error-rate")).toBe(false);
    expect(old.firing("success-rate-drop")).toBe(false);

    for (let i = 0; i < 12; i += 1) await receipt("SERVER_UNAVAILABLE", minutesAgo(1), 10_000, null);
    const now = read((await dashboard()).html);
    expect(now.firing("amk-error-rate")).toBe(true);
    expect(now.firing("success-rate-drop")).toBe(true);
    expect(now.number('id="amk"', "calls")).toBeGreaterThanOrEqual(26);
  });

  it("needs a token with payments:operate, answered in the error envelope", async () => {
    const none = await callGateway("/ops/dashboard", { token: null });
    expect(none.status).toBe(401);
    expect(await none.json()).toMatchObject({ success: false, error: { code: "UNAUTHORIZED" } });
    const other = await callGateway("/ops/dashboard", { token: await tokenFor(["payments:confirm"]) });
    expect(other.status).toBe(403);
  });
});
