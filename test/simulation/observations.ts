// What a run saw happen besides the final records: every unit of work the store took, every
// answer the bank got, every premium offered and QR shown, every record Kafka took. The
// invariants judge these with the bank's truth; the step checks run as they are seen.
import type { CommitOutcome, OutgoingRecord, QrIssuance, StoredAnswer, UnitOfWork } from "#shared/payments/ports.ts";
import type { Violation } from "./invariants.ts";
import type { Task } from "./scheduler.ts";
import type { Trace } from "./trace.ts";
import type { VirtualClock } from "./virtual-clock.ts";

export interface CommitSeen {
  step: number;
  atMs: number;
  task: Task;
  work: UnitOfWork;
  outcome: CommitOutcome;
}

/** An answer the bank got from a bank route (or the lack of one). */
export interface AnswerSeen {
  route: "bill" | "webhook";
  /** The request's identity: the idempotency key the route derives from it. */
  key: string;
  paymentId: number;
  /** The bank payment the request reports. */
  ref: string;
  status: number;
  body: string;
  replayed: boolean;
  step: number;
  atMs: number;
}

export interface OfferSeen {
  route: "inquiry" | "khqr";
  paymentId: number;
  query: string;
  task: Task;
  qrString?: string;
}

/** The invariants checked as things happen (invariants.ts). */
export interface StepChecks {
  commit(seen: Observations, commit: CommitSeen): Violation[];
  answer(seen: Observations, answer: AnswerSeen): Violation[];
}

export class Observations {
  readonly commits: CommitSeen[] = [];
  /** First commit of a payment for each premium: from then on "paid" is visible. */
  readonly paidVisible = new Map<number, { step: number; atMs: number }>();
  readonly kept = new Map<string, StoredAnswer>();
  readonly published: OutgoingRecord[] = [];
  readonly answers: AnswerSeen[] = [];
  readonly offers: OfferSeen[] = [];
  readonly cacheKeptAt = new Map<string, number>();
  readonly cacheMarkedPaidAt = new Map<number, number>();
  readonly closed: QrIssuance[] = [];
  /** Per request, the step of its last read of a premium's payment (invariant 6 tells a race from a skipped check). */
  readonly paymentReads = new Map<number, number>();
  /** Every question put to AMK's payment-verify that it answered: which invoice, when. */
  readonly verifyCalls: { invoice: string; atMs: number }[] = [];
  /** The verify calls that reached the gateway as SUCCESS, by the moment AMK was asked (it reports the invoice's latest payment then). */
  readonly successReports: { invoice: string; atMs: number }[] = [];
  readonly violations: Violation[] = [];

  constructor(
    private readonly trace: Trace,
    private readonly clock: VirtualClock,
    private readonly steps: () => number,
    private readonly checks: StepChecks,
  ) {}

  note(text: string, paymentId?: number): void {
    this.trace.add(text, paymentId);
  }

  committed(task: Task, work: UnitOfWork, outcome: CommitOutcome): void {
    const seen: CommitSeen = { step: this.steps(), atMs: this.clock.nowMs(), task, work, outcome };
    this.commits.push(seen);
    if (outcome === "committed" && work.payment && !this.paidVisible.has(work.payment.paymentId)) {
      this.paidVisible.set(work.payment.paymentId, { step: seen.step, atMs: seen.atMs });
    }
    const pid =
      work.payment?.paymentId ??
      work.exception?.paymentId ??
      work.issuance?.paymentId ??
      work.premium?.id ??
      numberOr(work.receipt?.invoiceNumber ?? work.resolveIssuance);
    this.trace.add(`${task.name}[${task.id}] commit ${describeWork(work)} -> ${outcome}`, pid);
    this.violations.push(...this.checks.commit(this, seen));
  }

  answered(answer: AnswerSeen): void {
    this.answers.push(answer);
    this.violations.push(...this.checks.answer(this, answer));
  }

  keptAnswer(key: string, answer: StoredAnswer): void {
    if (!this.kept.has(key)) this.kept.set(key, answer);
  }

  publishedRecords(batch: OutgoingRecord[]): void {
    this.published.push(...batch);
  }

  closedUnchecked(closed: QrIssuance[]): QrIssuance[] {
    this.closed.push(...closed);
    for (const qr of closed) this.trace.add(`QR ${qr.qrId} closed unchecked (left the window)`, qr.paymentId);
    return closed;
  }

  cacheMarkedPaid(paymentId: number): void {
    if (!this.cacheMarkedPaidAt.has(paymentId)) this.cacheMarkedPaidAt.set(paymentId, this.clock.nowMs());
  }
}

function numberOr(text: string | undefined): number | undefined {
  return text === undefined ? undefined : Number(text);
}

function describeWork(work: UnitOfWork): string {
  const parts: string[] = [];
  if (work.payment) parts.push(`payment ${work.payment.channel} ${work.payment.transactionId} paidAt ${work.payment.paidAt}`);
  if (work.exception) parts.push(`exception ${work.exception.kind} ${work.exception.transactionId} ${work.exception.money.minor}`);
  if (work.issuance) parts.push(`issuance ${work.issuance.invoiceNumber} ${work.issuance.money.minor} expires ${work.issuance.expiresAt}`);
  if (work.receipt) parts.push(`receipt ${work.receipt.source} ${work.receipt.outcome} ${work.receipt.paidDatetime}`);
  if (work.resolveIssuance) parts.push(`resolve QR ${work.resolveIssuance}`);
  if (work.resolution)
    parts.push(`resolution ${work.resolution.exceptionId.slice(0, 8)} step ${work.resolution.step} ${work.resolution.resolution}`);
  if (work.premium && parts.length === 0) parts.push(`premium ${work.premium.id} ${work.premium.money.minor}`);
  return parts.join(" + ") || "nothing";
}
