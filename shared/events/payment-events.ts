// The events of docs/contracts.md, built as pure values. Each carries a stable eventId
// (written once to the outbox with its record) so consumers can drop redelivered copies.
import { toAmount, type Money } from "../payments/money.ts";

export type EventType =
  | "gateway.payment.confirmed"
  | "gateway.payment.verified"
  | "gateway.payment.success"
  | "gateway.payment.exception"
  | "gateway.payment.exception-resolved"
  | "khqr.generated-event";

export interface PaymentEvent {
  eventId: string;
  type: EventType;
  /** The premium the event is about. */
  paymentId: number;
  /** The Kafka record key: the policy number, so a policy's events stay in order. */
  key: string;
  value: Record<string, unknown>;
}

export interface ConfirmedPayment {
  paymentId: number;
  policyNumber: string;
  money: Money;
  channel: "BILL" | "KHQR";
  transactionId: string;
  payer?: string;
  /** ISO-8601 UTC instant the customer paid. */
  paidAt: string;
}

/**
 * Money the bank reported that could not become the premium's payment, flagged for a person:
 * a second payment of a paid premium, or a KHQR payment AMK verified with other money than asked.
 */
export interface PaymentException {
  exceptionId: string;
  kind: "DUPLICATE_PAYMENT" | "AMOUNT_MISMATCH";
  paymentId: number;
  policyNumber: string;
  channel: ConfirmedPayment["channel"];
  transactionId: string;
  /** What the bank reported or AMK verified. */
  money: Money;
}

export const EXCEPTION_RESOLUTIONS = ["refund-requested", "refunded", "written-off"] as const;
export type ExceptionResolutionKind = (typeof EXCEPTION_RESOLUTIONS)[number];

/** What an operator did about a payment exception: who (their token's `sub`), when, and why. */
export interface ExceptionResolution {
  resolution: ExceptionResolutionKind;
  note: string;
  resolvedBy: string;
  /** ISO-8601 UTC. */
  resolvedAt: string;
}

function event(type: EventType, key: string, occurredAt: string, fields: { paymentId: number } & Record<string, unknown>): PaymentEvent {
  const eventId = crypto.randomUUID();
  return { eventId, type, paymentId: fields.paymentId, key, value: { eventId, type, version: 1, occurredAt, ...fields } };
}

function moneyFields(money: Money) {
  return { amount: toAmount(money), currency: money.currency };
}

/** `gateway.payment.confirmed` (bill) or `gateway.payment.verified` (KHQR), then `gateway.payment.success`. */
export function paymentEvents(payment: ConfirmedPayment, occurredAt: string): PaymentEvent[] {
  const base = { paymentId: payment.paymentId, policyNumber: payment.policyNumber, ...moneyFields(payment.money) };
  const channelEvent =
    payment.channel === "BILL"
      ? event("gateway.payment.confirmed", payment.policyNumber, occurredAt, {
          ...base,
          bankTransactionId: payment.transactionId,
          payer: payment.payer,
          paidAt: payment.paidAt,
        })
      : event("gateway.payment.verified", payment.policyNumber, occurredAt, {
          ...base,
          transactionId: payment.transactionId,
          paidAt: payment.paidAt,
        });
  const success = event("gateway.payment.success", payment.policyNumber, occurredAt, {
    ...base,
    channel: payment.channel,
    transactionId: payment.transactionId,
  });
  return [channelEvent, success];
}

export function qrGeneratedEvent(
  issued: { paymentId: number; policyNumber: string; money: Money; bankCode: string },
  occurredAt: string,
): PaymentEvent {
  return event("khqr.generated-event", issued.policyNumber, occurredAt, {
    paymentId: issued.paymentId,
    policyNumber: issued.policyNumber,
    ...moneyFields(issued.money),
    bankCode: issued.bankCode,
  });
}

/** `gateway.payment.exception`, keyed by policy number: the amount and currency the bank reported or verified. */
export function exceptionEvent(exception: PaymentException, occurredAt: string): PaymentEvent {
  return event("gateway.payment.exception", exception.policyNumber, occurredAt, {
    kind: exception.kind,
    paymentId: exception.paymentId,
    policyNumber: exception.policyNumber,
    channel: exception.channel,
    transactionId: exception.transactionId,
    ...moneyFields(exception.money),
  });
}

/** `gateway.payment.exception-resolved`, keyed by policy number: the exception as flagged, and what an operator did about it. */
export function exceptionResolvedEvent(exception: PaymentException, resolution: ExceptionResolution, occurredAt: string): PaymentEvent {
  return event("gateway.payment.exception-resolved", exception.policyNumber, occurredAt, {
    exceptionId: exception.exceptionId,
    kind: exception.kind,
    paymentId: exception.paymentId,
    policyNumber: exception.policyNumber,
    channel: exception.channel,
    transactionId: exception.transactionId,
    ...moneyFields(exception.money),
    resolution: resolution.resolution,
    note: resolution.note,
    resolvedBy: resolution.resolvedBy,
    resolvedAt: resolution.resolvedAt,
  });
}
