// The dashboard's figures and alert rules as pure functions of what the records hold.
import { deepStrictEqual, equal } from "node:assert/strict";
import { assessHealth, healthWindow, percentile } from "#shared/payments/operations-health.ts";
import type { HealthFacts } from "#shared/payments/ports.ts";

const now = new Date("2026-03-01T12:00:00.000Z");
const window = healthWindow(now);

function facts(overrides: Partial<HealthFacts> = {}): HealthFacts {
  return {
    payments: [],
    receiptOutcomes: [],
    exceptionsFlagged: [],
    exceptionsOpen: { open: 0, refundRequested: 0 },
    qrFunnel: { issued: 0, paid: 0, expired: 0 },
    outbox: { backlog: 0, oldestPendingAt: null, dead: 0, lastPublishedAt: null },
    verifyCalls: [],
    slots: { payments: [], receiptOutcomes: [], exceptionsFlagged: [] },
    ...overrides,
  };
}

const firing = (f: HealthFacts) =>
  assessHealth(f, window)
    .alerts.filter((a) => a.firing)
    .map((a) => a.name);

Deno.test("percentiles are nearest-rank over the sorted durations", () => {
  const values = Array.from({ length: 100 }, (_, i) => i + 1);
  deepStrictEqual([percentile(values, 50), percentile(values, 95), percentile(values, 99)], [50, 95, 99]);
  deepStrictEqual([percentile([7], 99), percentile([], 50)], [7, null]);
});

Deno.test("nothing recorded: no rates, nothing firing", () => {
  const report = assessHealth(facts(), window);
  deepStrictEqual(firing(facts()), []);
  deepStrictEqual(
    report.channels.map((c) => c.successRate),
    [null, null],
  );
  equal(report.amkVerify.p99Ms, null);
});

Deno.test(
  "success per channel: KHQR from its receipts' outcomes (replays, acknowledgements and second payments aside), BILL from flagged money",
  () => {
    const report = assessHealth(
      facts({
        payments: [
          { channel: "KHQR", currency: "USD", count: 9, amountMinor: 90_000, recent: 9 },
          { channel: "KHQR", currency: "KHR", count: 1, amountMinor: 400_000, recent: 0 },
          { channel: "BILL", currency: "USD", count: 3, amountMinor: 45_000, recent: 0 },
        ],
        receiptOutcomes: [
          { outcome: "CONFIRMED", secondPayment: false, count: 10, recent: 9 },
          { outcome: "REPLAYED", secondPayment: false, count: 40, recent: 40 },
          { outcome: "ACKNOWLEDGED", secondPayment: false, count: 2, recent: 2 },
          { outcome: "TRANSACTION_VERIFY_FAILED", secondPayment: false, count: 3, recent: 1 },
          { outcome: "SERVER_UNAVAILABLE", secondPayment: false, count: 7, recent: 0 },
        ],
        exceptionsFlagged: [{ channel: "BILL", kind: "DUPLICATE_PAYMENT", count: 1, recent: 0 }],
      }),
      window,
    );
    deepStrictEqual(
      report.channels.map((c) => [c.channel, c.booked, c.refused, c.successRate]),
      [
        ["BILL", 3, 0, 1],
        ["KHQR", 10, 10, 0.5],
      ],
    );
    deepStrictEqual(report.volume, [
      { currency: "KHR", payments: 1, amount: 400_000 },
      { currency: "USD", payments: 12, amount: 1_350 },
    ]);
    deepStrictEqual(report.refusals, [
      { reason: "KHQR SERVER_UNAVAILABLE", count: 7 },
      { reason: "KHQR TRANSACTION_VERIFY_FAILED", count: 3 },
    ]);
    equal(report.secondPayments, 1);
  },
);

Deno.test("each alert fires exactly at its threshold's far side", () => {
  const at = (secondsAgo: number) => new Date(now.getTime() - secondsAgo * 1000).toISOString();
  deepStrictEqual(firing(facts({ outbox: { backlog: 1, oldestPendingAt: at(300), dead: 0, lastPublishedAt: null } })), []);
  deepStrictEqual(firing(facts({ outbox: { backlog: 1, oldestPendingAt: at(301), dead: 0, lastPublishedAt: null } })), ["outbox-lag"]);
  deepStrictEqual(firing(facts({ outbox: { backlog: 0, oldestPendingAt: null, dead: 1, lastPublishedAt: null } })), [
    "event-dead-lettered",
  ]);
  deepStrictEqual(firing(facts({ exceptionsOpen: { open: 0, refundRequested: 1 } })), ["payment-exception"]);

  const calls = (n: number, failed: number, recent = true) =>
    Array.from({ length: n }, (_, i) => ({ ms: 100 + i, failed: i < failed, recent, slot: "2026-03-01T11:45:00.000Z" }));
  deepStrictEqual(firing(facts({ verifyCalls: calls(4, 4) })), []); // too few calls to judge
  deepStrictEqual(firing(facts({ verifyCalls: calls(5, 1) })), []); // 20 % is not more than 20 %
  deepStrictEqual(firing(facts({ verifyCalls: calls(5, 2) })), ["amk-error-rate"]);
  deepStrictEqual(firing(facts({ verifyCalls: calls(50, 50, false) })), []); // older than the last hour

  const khqr = (confirmed: number, refused: number) =>
    facts({
      payments: [{ channel: "KHQR", currency: "USD", count: confirmed, amountMinor: confirmed * 100, recent: confirmed }],
      receiptOutcomes: [
        { outcome: "CONFIRMED", secondPayment: false, count: confirmed, recent: confirmed },
        { outcome: "PAYMENT_VERIFICATION_DATA_MISMATCHED", secondPayment: false, count: refused, recent: refused },
      ],
    });
  deepStrictEqual(firing(khqr(9, 1)), []); // 90 % is not below 90 %
  deepStrictEqual(firing(khqr(8, 1)), []); // below, but only 9 decided
  deepStrictEqual(firing(khqr(17, 3)), ["success-rate-drop"]);
});

Deno.test("the outbox's lag is the oldest pending event's age; the funnel's open QRs are what is neither paid nor expired", () => {
  const report = assessHealth(
    facts({
      outbox: { backlog: 3, oldestPendingAt: "2026-03-01T11:58:30.000Z", dead: 0, lastPublishedAt: "2026-03-01T11:59:59.000Z" },
      qrFunnel: { issued: 10, paid: 6, expired: 3 },
    }),
    window,
  );
  equal(report.outbox.oldestPendingAgeSeconds, 90);
  deepStrictEqual(report.qrFunnel, { issued: 10, paid: 6, expired: 3, pending: 1 });
});

Deno.test("a second payment the bank made of a paid premium is money to return, never a drop in our success rate", () => {
  const seconds = facts({
    payments: [{ channel: "KHQR", currency: "USD", count: 10, amountMinor: 1_000, recent: 10 }],
    receiptOutcomes: [
      { outcome: "CONFIRMED", secondPayment: false, count: 10, recent: 10 },
      { outcome: "DUPLICATE_TRANSACTION", secondPayment: true, count: 10, recent: 10 },
    ],
    exceptionsFlagged: [
      { channel: "KHQR", kind: "DUPLICATE_PAYMENT", count: 10, recent: 10 },
      { channel: "BILL", kind: "DUPLICATE_PAYMENT", count: 5, recent: 5 },
    ],
  });
  const report = assessHealth(seconds, window);
  deepStrictEqual(firing(seconds), []);
  deepStrictEqual(
    report.channels.map((c) => c.refused),
    [0, 0],
  );
  deepStrictEqual(report.refusals, []);
  equal(report.secondPayments, 15);
});

Deno.test("the timeline: 96 slots of 15 minutes ending with now's, each with its bookings, refusals, success and verify p95", () => {
  const report = assessHealth(
    facts({
      slots: {
        payments: [
          { slot: "2026-03-01T11:45:00.000Z", channel: "KHQR", count: 3 },
          { slot: "2026-03-01T11:45:00.000Z", channel: "BILL", count: 1 },
          { slot: "2026-02-28T12:00:00.000Z", channel: "BILL", count: 2 },
          { slot: "2026-02-28T11:45:00.000Z", channel: "BILL", count: 9 }, // before the first slot: off the chart
        ],
        receiptOutcomes: [
          { slot: "2026-03-01T11:45:00.000Z", outcome: "SERVER_UNAVAILABLE", secondPayment: false, count: 1 },
          { slot: "2026-03-01T11:45:00.000Z", outcome: "DUPLICATE_TRANSACTION", secondPayment: true, count: 4 },
        ],
        exceptionsFlagged: [{ slot: "2026-03-01T11:45:00.000Z", channel: "BILL", kind: "DUPLICATE_PAYMENT", count: 2 }],
      },
      verifyCalls: [10, 20, 300].map((ms) => ({ ms, failed: false, recent: true, slot: "2026-03-01T11:45:00.000Z" })),
    }),
    healthWindow(new Date("2026-03-01T11:59:59.999Z")),
  );
  equal(report.timeline.length, 96);
  equal(report.timeline[0]!.start, "2026-02-28T12:00:00.000Z");
  const last = report.timeline.at(-1)!;
  deepStrictEqual(last, {
    start: "2026-03-01T11:45:00.000Z",
    booked: { BILL: 1, KHQR: 3 },
    refused: { BILL: 0, KHQR: 1 },
    successRate: 0.8,
    verifyCalls: 3,
    verifyP95Ms: 300,
  });
  deepStrictEqual(report.timeline[0]!.booked, { BILL: 2, KHQR: 0 });
  equal(report.timeline[1]!.successRate, null);
});
