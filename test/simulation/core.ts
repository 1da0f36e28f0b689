// The payment core under test, loaded from a root folder of `shared/`: the repository's own, or a
// mutated copy (mutants.ts). Everything whose identity matters (PaymentError's class, the verbs,
// the in-memory adapters) comes from that root; the simulator imports from `#shared` only types
// and pure helpers no mutant touches.
import { fileURLToPath, pathToFileURL } from "node:url";
import { join } from "node:path";

export const REPOSITORY_SHARED = fileURLToPath(new URL("../../shared", import.meta.url));

export async function loadCore(sharedRoot = REPOSITORY_SHARED) {
  const load = (path: string) => import(pathToFileURL(join(sharedRoot, path)).href);
  const [errors, bill, khqr, issue, reconcile, deliver, resolve, inquiry, gateway, store, idempotency, outside] = await Promise.all([
    load("payments/errors.ts") as Promise<typeof import("#shared/payments/errors.ts")>,
    load("payments/confirm-bill-payment.ts") as Promise<typeof import("#shared/payments/confirm-bill-payment.ts")>,
    load("payments/khqr-payment.ts") as Promise<typeof import("#shared/payments/khqr-payment.ts")>,
    load("payments/issue-khqr.ts") as Promise<typeof import("#shared/payments/issue-khqr.ts")>,
    load("payments/reconcile-khqr.ts") as Promise<typeof import("#shared/payments/reconcile-khqr.ts")>,
    load("payments/deliver-events.ts") as Promise<typeof import("#shared/payments/deliver-events.ts")>,
    load("payments/resolve-exception.ts") as Promise<typeof import("#shared/payments/resolve-exception.ts")>,
    load("payments/inquire-premium.ts") as Promise<typeof import("#shared/payments/inquire-premium.ts")>,
    load("payments/in-memory/local-gateway.ts") as Promise<typeof import("#shared/payments/in-memory/local-gateway.ts")>,
    load("payments/in-memory/record-store.ts") as Promise<typeof import("#shared/payments/in-memory/record-store.ts")>,
    load("payments/in-memory/idempotency.ts") as Promise<typeof import("#shared/payments/in-memory/idempotency.ts")>,
    load("payments/in-memory/outside-systems.ts") as Promise<typeof import("#shared/payments/in-memory/outside-systems.ts")>,
  ]);
  return {
    PaymentError: errors.PaymentError,
    toPaymentError: errors.toPaymentError,
    errorEnvelope: errors.errorEnvelope,
    receiveBillConfirmation: bill.receiveBillConfirmation,
    billConfirmationOf: bill.billConfirmationOf,
    receiveKhqrReport: khqr.receiveKhqrReport,
    webhookReport: khqr.webhookReport,
    issueKhqr: issue.issueKhqr,
    reconcileKhqrPayments: reconcile.reconcileKhqrPayments,
    deliverEvents: deliver.deliverEvents,
    resolveException: resolve.resolveException,
    inquirePremium: inquiry.inquirePremium,
    localGateway: gateway.localGateway,
    InMemoryRecordStore: store.InMemoryRecordStore,
    InMemoryIdempotency: idempotency.InMemoryIdempotency,
    InMemoryPremiumSource: outside.InMemoryPremiumSource,
    InMemoryPremiumCache: outside.InMemoryPremiumCache,
    InMemoryEventPublisher: outside.InMemoryEventPublisher,
  };
}

export type Core = Awaited<ReturnType<typeof loadCore>>;
