// AMK payment-verify, observed: each call's duration goes onto the receipt of the report it answered
// (webhook_receipts.verify_ms, what the operator dashboard's latency and error rate read), into the
// Metrics port, and into one log line (`"upstream":"amk-payment-verify","ok":…`) that a Workers
// Observability alert counts. The payment core stays as it is: the duration travels from the
// verifier to the receipt by invoice number (the txId asked is the report's invoice number).
import { toPaymentError } from "#shared/payments/errors.ts";
import type { Metrics } from "#shared/platform/metrics.ts";
import type { PaymentVerifier, RecordStore, UnitOfWork, Verification } from "#shared/payments/ports.ts";

/** Durations of this request's verify calls, by txId. */
export type VerifyDurations = Map<string, number>;

/** A verify call failed when AMK gave no usable answer: unreachable, timed out, 5xx, circuit open, or unreadable. */
function failed(verification: Verification | null): boolean {
  return verification === null || ("refusal" in verification && verification.refusal.code === "AMK_UNKNOWN_ERROR");
}

export function observedVerifier(verifier: PaymentVerifier, durations: VerifyDurations, metrics: Metrics): PaymentVerifier {
  return {
    async verify(txId) {
      const started = Date.now();
      let verification: Verification | null = null;
      let outcome = "ok";
      try {
        verification = await verifier.verify(txId);
        if ("refusal" in verification) outcome = verification.refusal.code;
        return verification;
      } catch (error) {
        outcome = toPaymentError(error).code;
        throw error;
      } finally {
        const durationMs = Date.now() - started;
        const ok = !failed(verification);
        durations.set(txId, durationMs);
        metrics.record({ kind: "outside-call", name: "amk.verify", outcome, durationMs });
        console.log(JSON.stringify({ service: "gateway", upstream: "amk-payment-verify", ok, outcome, durationMs }));
      }
    },
  };
}

/** The record store, with each receipt carrying the duration of the verify call made for its invoice in this request. */
export function receiptsWithVerifyDurations(records: RecordStore, durations: VerifyDurations): RecordStore {
  const withDuration = (work: UnitOfWork): UnitOfWork => {
    const durationMs = work.receipt ? durations.get(work.receipt.invoiceNumber) : undefined;
    if (!work.receipt || durationMs === undefined || work.receipt.verifyMs !== undefined) return work;
    return { ...work, receipt: { ...work.receipt, verifyMs: durationMs } };
  };
  return new Proxy(records, {
    get(target, property) {
      if (property === "commit") return (work: UnitOfWork, now: Date) => target.commit(withDuration(work), now);
      const value = Reflect.get(target, property);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}
