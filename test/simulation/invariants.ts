// The invariants, stated once. Each run is judged against them at its end, after the bank's
// retries, reconciliation and the outbox have settled with faults off; the cheap ones are also
// checked as things happen (stepChecks). A violation names its invariant and payment; known.ts
// may say it is one of the defects issue 23 fixes.
import type { PaymentRecord, QrIssuance, RecordedException, WebhookReceipt } from "#shared/payments/ports.ts";
import type { Bank, BankPayment } from "./bank.ts";
import { knownDefect, type KnownDefect } from "./known-defects.ts";
import type { AnswerSeen, CommitSeen, Observations, StepChecks } from "./observations.ts";
import { CACHE_TTL_MS, type RealPorts } from "./wrapped-ports.ts";
import { REUSE_MIN_REMAINING_MS } from "#shared/payments/premium-for-qr.ts";

export const INVARIANTS = {
  1: "every payment the bank took is booked exactly once or flagged exactly once, never both, never neither",
  2: "no premium is booked twice; no money paid once is flagged",
  3: "one exception per bank payment, whichever path saw it",
  4: "every event of a committed unit of work is published at least once, none twice under two ids, and the outbox drains once Kafka is back",
  5: "a replayed answer equals the first answer; an answer that said CONFIRMED corresponds to a booked payment",
  6: "no paid premium is offered or issued a QR after the payment's commit is visible",
  7: "every QR ever issued is resolved (paid, flagged, or expired and checked) within the reconciliation window",
  8: "a premium's QRs are minted one at a time: none is recorded while another of its QRs could still be shown",
} as const;

export type InvariantId = keyof typeof INVARIANTS;

export interface Violation {
  invariant: InvariantId;
  paymentId?: number;
  message: string;
  /** Set when this is a known defect of the core, awaiting its fix (known-defects.ts). */
  known?: KnownDefect;
  /** Invariant 6: the payment landed after the request's last paid check (not a skipped check). */
  paidAfterCheck?: boolean;
}

/** What the end of a run is judged on. */
export interface Judged {
  bank: Bank;
  records: RealPorts["records"];
  seen: Observations;
}

/** Everything recorded about one premium, with the bank's truth about it. */
export interface PremiumFacts {
  paymentId: number;
  taken: BankPayment[];
  booked: PaymentRecord | null;
  exceptions: RecordedException[];
  receipts: WebhookReceipt[];
  /** The KHQR payments payment-verify ever reported (AMK answers per invoice: its latest payment). */
  reportedByAmk: BankPayment[];
  /** The bank's: paid_datetime renderings per payment ref, and refs whose webhooks were all lost. */
  renderings: Bank["renderings"];
  lostWebhooks: Bank["lostWebhooks"];
}

export function stepChecks(records: RealPorts["records"]): StepChecks {
  return {
    commit(seen, commit) {
      const { work, outcome, task } = commit;
      const paid = work.issuance && seen.paidVisible.get(work.issuance.paymentId);
      if (outcome !== "committed" || !paid) return [];
      // Paid between the request's last look at the payment and its write: the check-then-write window.
      const lastCheck = seen.paymentReads.get(task.id) ?? -1;
      const paymentId = work.issuance!.paymentId;
      const when =
        paid.step < task.startStep
          ? "before the request started"
          : paid.step > lastCheck
            ? "after its last paid check"
            : "before its paid check";
      return [
        {
          invariant: 6,
          paymentId,
          message: `${task.name}[${task.id}] recorded a QR for premium ${paymentId}, paid ${when}`,
          paidAfterCheck: paid.step > lastCheck && paid.step >= task.startStep,
        },
      ];
    },
    answer(_seen, answer) {
      return confirmedButNotBooked(records, answer, "when it was answered");
    },
  };
}

export function judge({ bank, records, seen }: Judged): Violation[] {
  const ids = new Set<number>([
    ...bank.payments.map((p) => p.paymentId),
    ...records.payments.keys(),
    ...records.exceptions.map((e) => e.paymentId),
  ]);
  const violations: Violation[] = [...seen.violations];
  for (const paymentId of [...ids].sort((a, b) => a - b)) {
    const facts = factsOf(paymentId, bank, records, seen);
    violations.push(...moneyAccounted(facts), ...paidOnceNeverFlagged(facts));
  }
  violations.push(...bookedOnce(seen), ...eventsDelivered(records, seen), ...answersStable(records, seen), ...paidNotOffered(seen));
  violations.push(...qrsResolved(records, seen));
  violations.push(...qrsOneAtATime(records));
  return violations.map((v) => ({
    ...v,
    known: v.known ?? knownDefect(v, v.paymentId === undefined ? undefined : factsOf(v.paymentId, bank, records, seen)),
  }));
}

/** Invariants 1 and 3: per channel, what the bank took against what was booked and flagged. */
function moneyAccounted(facts: PremiumFacts): ReturnType<typeof judge> {
  const { paymentId, taken, booked, exceptions } = facts;
  const out: Violation[] = [];
  for (const bill of taken.filter((p) => p.channel === "BILL")) {
    const isBooked = booked?.channel === "BILL" && booked.transactionId === bill.bankTransactionId;
    const flags = exceptions.filter((e) => e.channel === "BILL" && e.transactionId === bill.bankTransactionId).length;
    if (isBooked && flags > 0) out.push({ invariant: 1, paymentId, message: `bill ${bill.ref} is both booked and flagged` });
    if (!isBooked && flags === 0) out.push({ invariant: 1, paymentId, message: `bill ${bill.ref} is neither booked nor flagged` });
    if (flags > 1) out.push({ invariant: 3, paymentId, message: `bill ${bill.ref} flagged ${flags} times` });
  }
  const bills = new Set(taken.filter((p) => p.channel === "BILL").map((p) => p.bankTransactionId));
  const strayBill = [
    booked?.channel === "BILL" ? booked.transactionId : undefined,
    ...exceptions.filter((e) => e.channel === "BILL").map((e) => e.transactionId),
  ];
  for (const tx of strayBill) {
    if (tx !== undefined && !bills.has(tx))
      out.push({ invariant: 1, paymentId, message: `bill ${tx} booked or flagged, but the bank does not hold that money` });
  }
  const khqr = taken.filter((p) => p.channel === "KHQR");
  const bookedKhqr = booked?.channel === "KHQR" ? 1 : 0;
  const flagged = exceptions.filter((e) => e.channel === "KHQR");
  const accounted = bookedKhqr + flagged.length;
  const story = `${khqr.length} KHQR payment(s) [${khqr.map((p) => `${p.ref} ${p.money.minor} at ${new Date(p.paidAtMs).toISOString()}`).join(", ")}], booked ${bookedKhqr ? booked!.paidAt : "none"}, flagged [${flagged.map((e) => `${e.kind} ${e.transactionId}`).join(", ")}]`;
  if (accounted < khqr.length) out.push({ invariant: 1, paymentId, message: `money neither booked nor flagged: ${story}` });
  if (accounted > khqr.length) {
    const invariant = bookedKhqr && flagged.length === khqr.length ? 1 : 3;
    out.push({
      invariant,
      paymentId,
      message: `${invariant === 1 ? "a payment both booked and flagged" : "more exceptions than payments"}: ${story}`,
    });
  }
  return out;
}

/** Invariant 2, second half: a premium paid once (by one payment of what was asked) has no exception. */
function paidOnceNeverFlagged({ paymentId, taken, exceptions }: PremiumFacts): Violation[] {
  if (taken.length !== 1 || exceptions.length === 0) return [];
  const [only] = taken as [BankPayment];
  const kinds = exceptions.map((e) => `${e.kind} ${e.transactionId}`).join(", ");
  return [{ invariant: 2, paymentId, message: `paid once (${only.ref} ${only.channel}), yet flagged: ${kinds}` }];
}

/** Invariant 2, first half: one success (and one confirmed/verified) event per premium, ever. */
function bookedOnce(seen: Observations): Violation[] {
  const perPayment = new Map<string, Set<string>>();
  for (const { work, outcome } of seen.commits) {
    if (outcome !== "committed") continue;
    for (const event of work.events.filter((e) => e.type !== "khqr.generated-event" && !e.type.startsWith("gateway.payment.exception"))) {
      const key = `${event.paymentId} ${event.type}`;
      perPayment.set(key, (perPayment.get(key) ?? new Set()).add(event.eventId));
    }
  }
  return [...perPayment]
    .filter(([, ids]) => ids.size > 1)
    .map(([key, ids]) => ({
      invariant: 2 as const,
      paymentId: Number(key.split(" ")[0]),
      message: `${key} recorded ${ids.size} times: booked twice`,
    }));
}

/** Invariant 4. */
function eventsDelivered(records: RealPorts["records"], seen: Observations): Violation[] {
  const out: Violation[] = [];
  const published = new Set(seen.published.map((r) => r.eventId));
  const committed = new Map(
    seen.commits.filter((c) => c.outcome === "committed").flatMap((c) => c.work.events.map((e) => [e.eventId, e] as const)),
  );
  for (const [eventId, event] of committed) {
    if (!published.has(eventId)) {
      const row = records.outboxRows.get(eventId);
      const state = row ? (row.publishedAt !== null ? "marked published" : row.deadAt !== null ? "dead" : "pending") : "no outbox row";
      out.push({
        invariant: 4,
        paymentId: event.paymentId,
        message: `${event.type} ${eventId.slice(0, 8)} never reached Kafka (${state}, ${row?.attempts ?? 0} attempts)`,
      });
    }
  }
  for (const eventId of published) {
    if (!committed.has(eventId))
      out.push({ invariant: 4, message: `Kafka got event ${eventId.slice(0, 8)} that no committed unit of work holds` });
  }
  for (const [eventId, row] of records.outboxRows) {
    if (row.publishedAt === null && committed.has(eventId)) continue; // already reported above
    if (row.publishedAt === null)
      out.push({ invariant: 4, paymentId: row.event.paymentId, message: `outbox still holds ${row.event.type} ${eventId.slice(0, 8)}` });
  }
  for (const exception of records.exceptions) {
    const steps = records.resolutions.get(exception.exceptionId)?.length ?? 0;
    const announced = [...committed.values()].filter(
      (e) => e.type === "gateway.payment.exception-resolved" && e.value.exceptionId === exception.exceptionId,
    ).length;
    if (announced !== steps)
      out.push({
        invariant: 4,
        paymentId: exception.paymentId,
        message: `exception ${exception.exceptionId.slice(0, 8)} has ${steps} resolution steps, ${announced} events`,
      });
  }
  return out;
}

/** Invariant 5. */
function answersStable(records: RealPorts["records"], seen: Observations): Violation[] {
  const out: Violation[] = [];
  const first = new Map<string, AnswerSeen>();
  for (const answer of seen.answers) {
    if (!answer.replayed) {
      if (!first.has(answer.key) && keptForReplay(answer)) first.set(answer.key, answer);
      continue;
    }
    // The first answer may have been kept by a request whose caller never heard it (it died after settling).
    const original = first.get(answer.key) ?? first.set(answer.key, answer).get(answer.key)!;
    if (comparable(original) !== comparable(answer)) {
      out.push({
        invariant: 5,
        paymentId: answer.paymentId,
        message: `${answer.route} ${answer.ref} replayed ${answer.status} ${answer.body.slice(0, 120)}; first answer was ${original.status} ${original.body.slice(0, 120)}`,
      });
    }
  }
  for (const answer of seen.answers) out.push(...confirmedButNotBooked(records, answer, "at the end"));
  return out;
}

function confirmedButNotBooked(records: RealPorts["records"], answer: AnswerSeen, when: string): Violation[] {
  if (answer.status !== 200) return [];
  const data = (JSON.parse(answer.body) as { data?: { status?: string; transactionId?: string } }).data;
  if (data?.status !== "CONFIRMED") return [];
  const booked = records.payments.get(answer.paymentId);
  const matches =
    answer.route === "bill" ? booked?.channel === "BILL" && booked.transactionId === data.transactionId : booked?.channel === "KHQR";
  if (matches) return [];
  return [
    {
      invariant: 5,
      paymentId: answer.paymentId,
      message: `${answer.route} ${answer.ref} was answered CONFIRMED but no such payment is booked ${when}`,
    },
  ];
}

/** Answers the core keeps for replay (finality.ts): a success or a final refusal. */
function keptForReplay(answer: AnswerSeen): boolean {
  if (answer.status === 200) return true;
  const code = (JSON.parse(answer.body) as { error?: { code?: string; details?: string } }).error;
  return (
    answer.status < 500 &&
    code?.details !== "IN_FLIGHT" &&
    !["TRANSACTION_VERIFY_FAILED", "MERCHANT_NOT_BIND", "RESOURCE_NOT_FOUND"].includes(code?.code ?? "")
  );
}

/** An answer without its requestId (a recomputed answer after a lost settle carries a new one). */
function comparable(answer: AnswerSeen): string {
  const { requestId: _id, ...rest } = JSON.parse(answer.body) as Record<string, unknown>;
  return `${answer.status} ${JSON.stringify(rest)}`;
}

/** Invariant 6 at the end: inquiries and QRs answered to requests that began after the payment was visible. */
function paidNotOffered(seen: Observations): Violation[] {
  const out: Violation[] = [];
  for (const offer of seen.offers) {
    const paid = seen.paidVisible.get(offer.paymentId);
    if (!paid || paid.step >= offer.task.startStep) continue;
    if (offer.route === "inquiry") {
      // KV is eventually consistent: the cache may offer it until its paid mark lands, or its entry ends.
      const marked = seen.cacheMarkedPaidAt.get(offer.paymentId);
      // An entry written late (a slow KV write landing after the payment) lives its 15 minutes from when it landed.
      const keptAt = Math.max(paid.atMs, seen.cacheKeptAt.get(offer.query) ?? 0);
      const staleAllowed = (marked === undefined || marked > offer.task.startMs) && offer.task.startMs < keptAt + CACHE_TTL_MS;
      if (staleAllowed) continue;
    }
    out.push({
      invariant: 6,
      paymentId: offer.paymentId,
      message: `${offer.route} [${offer.task.id}] offered premium ${offer.paymentId}, paid (visibly) before it started`,
    });
  }
  return out;
}

/** Invariant 7: every QR recorded (each keeps its own row) is settled, or was asked about after its expiry. */
function qrsResolved(records: RealPorts["records"], seen: Observations): Violation[] {
  const out: Violation[] = [];
  const closed = new Set(seen.closed.map((q) => q.qrId));
  for (const row of records.issuances.values()) {
    if (closed.has(row.qrId))
      out.push({
        invariant: 7,
        paymentId: row.paymentId,
        message: `QR ${row.qrString.slice(-8)} of invoice ${row.invoiceNumber} left the window unchecked (closed with an alert)`,
      });
    else if (row.resolvedAt === undefined && !checkedAfterExpiry(row)) {
      out.push({
        invariant: 7,
        paymentId: row.paymentId,
        message: `QR ${row.qrString.slice(-8)} of invoice ${row.invoiceNumber} (expires ${row.expiresAt}) never checked after its expiry (last ${row.lastCheckedAt ?? "never"})`,
      });
    }
  }
  return out;
}

/**
 * Invariant 8: a QR recorded while an earlier QR of the premium was open with more than
 * REUSE_MIN_REMAINING_MS to run was minted beside a QR that should have been shown again (the
 * issuance lease or the read of the open QR failed). Two payable QRs for one invoice invite a
 * second payment.
 */
function qrsOneAtATime(records: RealPorts["records"]): Violation[] {
  const out: Violation[] = [];
  const qrs = [...records.issuances.values()].sort((a, b) => a.issuedAt.localeCompare(b.issuedAt));
  for (const [i, later] of qrs.entries()) {
    const recordedAt = Date.parse(later.issuedAt);
    for (const earlier of qrs.slice(0, i)) {
      if (earlier.invoiceNumber !== later.invoiceNumber || earlier.expiresAt === undefined) continue;
      const stillOpen = earlier.resolvedAt === undefined || Date.parse(earlier.resolvedAt) > recordedAt;
      if (stillOpen && Date.parse(earlier.expiresAt) - recordedAt > REUSE_MIN_REMAINING_MS) {
        out.push({
          invariant: 8,
          paymentId: later.paymentId,
          message: `QR ${later.qrString.slice(-8)} of invoice ${later.invoiceNumber} recorded at ${later.issuedAt} beside QR ${earlier.qrString.slice(-8)}, open until ${earlier.expiresAt}`,
        });
      }
    }
  }
  return out;
}

const checkedAfterExpiry = (row: { expiresAt?: string; lastCheckedAt?: string }) =>
  row.expiresAt !== undefined && row.lastCheckedAt !== undefined && row.lastCheckedAt >= row.expiresAt;

function factsOf(paymentId: number, bank: Bank, records: RealPorts["records"], seen: Observations): PremiumFacts {
  const invoice = String(paymentId);
  return {
    paymentId,
    taken: bank.taken().filter((p) => p.paymentId === paymentId),
    booked: records.payments.get(paymentId) ?? null,
    exceptions: records.exceptions.filter((e) => e.paymentId === paymentId),
    receipts: records.receipts.filter((r) => r.invoiceNumber === invoice),
    reportedByAmk: [
      ...new Set(
        seen.successReports
          .filter((r) => r.invoice === invoice)
          .map((r) =>
            bank
              .khqrPaymentsOf(invoice)
              .filter((p) => p.paidAtMs <= r.atMs)
              .at(-1),
          )
          .filter((p) => p !== undefined),
      ),
    ],
    renderings: bank.renderings,
    lostWebhooks: bank.lostWebhooks,
  };
}
