// What the KHQR worker needs before it has AMK generate a QR: the premium due (unpaid in the
// records), and either the QR to show again or the right to have one minted. Every QR of a
// premium carries the same invoice number, so a premium's QRs are minted one at a time: the right
// to mint is a lease on the premium's own idempotency key (its Durable Object), and simultaneous
// requests (a double tap, an app's retry, a checkout renewal) wait for that one QR instead of
// asking AMK for another.
import { PaymentError } from "./errors.ts";
import { sameMoney } from "./money.ts";
import type { Premium } from "./premium.ts";
import { premiumFromSource, refusePaid, type InquiryDeps } from "./inquire-premium.ts";
import { afterAnswer, type IdempotencyKeeper, type Later, type QrIssuance } from "./ports.ts";

export interface PremiumForQr {
  /** The premium due; when a QR is shown, with that QR's money (what the customer pays with it). */
  premium: Premium;
  /** The unsettled QR to show again, when there is one a customer can still pay. */
  openQr: QrIssuance | null;
  /** Held by this request while it has AMK mint the premium's QR; null when a QR is shown, or while another request mints one (ask again shortly). */
  lease: string | null;
}

export type QrIssuanceDeps = InquiryDeps & { idempotency: IdempotencyKeeper; later?: Later };

/** An open QR is shown again only while the customer still has this long to pay it. */
export const REUSE_MIN_REMAINING_MS = 2 * 60_000;

/** The key whose lease is the right to mint the premium's next QR (never settled with an answer: freed once the QR is recorded). */
export const issuanceKey = (paymentId: number) => `qr-issuance:${paymentId}`;

/**
 * Two sequential round trips on the hot path: the cached premium, then, side by side, the lease,
 * the premium's open QR, its payment and its record as offered. The open QR is read beside the
 * lease, not after it; that read is exact only when no request held the lease in the last minute
 * (`quiet`: a holder records its QR before freeing the lease, so that QR had landed before the
 * read began); otherwise an earlier holder may have recorded its QR just before freeing the lease,
 * after the read, and the QR is read again.
 */
export async function premiumForQr(deps: QrIssuanceDeps, query: string): Promise<PremiumForQr> {
  const cached = await deps.cache.current(query);
  // A premium not in the cache is asked for, remembered as offered and checked unpaid on the way.
  const premium = cached ?? (await premiumFromSource(deps, query));
  const invoiceNumber = String(premium.id);
  const [admitted, read] = await Promise.allSettled([
    deps.idempotency.admit(issuanceKey(premium.id), "qr-issuance", deps.clock.now().getTime()),
    Promise.all([
      deps.records.findOpenIssuance(invoiceNumber),
      // A QR about to be issued needs the premium in the records, and unpaid there: the cache's
      // paid mark may not have reached this location yet.
      cached ? deps.records.commit({ premium, events: [] }, deps.clock.now()) : undefined,
      cached ? deps.records.findPayment(premium.id) : null,
    ]),
  ]);
  if (admitted.status === "rejected") {
    throw new PaymentError("SERVER_UNAVAILABLE", "The payment store is unavailable; retry later", {
      reason: `qr issuance admit: ${String(admitted.reason)}`,
    });
  }
  const admission = admitted.value;
  const lease = admission.kind === "proceed" ? admission.lease : null;
  // The lease is not needed (a QR to show, a refusal): freed without delaying the answer.
  const free = () => lease && afterAnswer(deps, releaseQrIssuance(deps, premium.id, lease));
  try {
    if (read.status === "rejected") throw read.reason;
    const [open, , payment] = read.value;
    if (payment) await refusePaid(deps, premium, query, payment);
    const shown = qrToShow(deps, premium, open);
    if (shown) return (await free(), shown);
    if (!lease) return { premium, openQr: null, lease: null };
    if (admission.kind === "proceed" && !admission.quiet) {
      const recorded = qrToShow(deps, premium, await deps.records.findOpenIssuance(invoiceNumber));
      if (recorded) return (await free(), recorded);
    }
    return { premium, openQr: null, lease };
  } catch (error) {
    if (lease) await releaseQrIssuance(deps, premium.id, lease);
    throw error;
  }
}

/**
 * The premium's open QR while a customer can still pay it, or null when a new one is to be minted.
 * A re-priced premium waits for its open QR to lapse (its invoice number is its payment id, so a
 * second QR would be payable beside the first at another amount): until then that QR, at its own
 * amount, is what the customer is shown, and in its last minutes a new QR is refused (409, with
 * Retry-After). A QR at the same amount with less than REUSE_MIN_REMAINING_MS left gets a fresh
 * QR beside it; both ask the same money and both stay under reconciliation.
 */
function qrToShow(deps: QrIssuanceDeps, premium: Premium, open: QrIssuance | null): PremiumForQr | null {
  const leftMs = open?.expiresAt ? Date.parse(open.expiresAt) - deps.clock.now().getTime() : 0;
  if (!open || leftMs <= 0) return null;
  if (leftMs >= REUSE_MIN_REMAINING_MS) return { premium: { ...premium, money: open.money }, openQr: open, lease: null };
  if (sameMoney(open.money, premium.money)) return null;
  throw new PaymentError("DUPLICATE_TRANSACTION", "This premium's QR at its earlier amount can still be paid; retry once it expires", {
    details: `QR_OPEN_UNTIL ${open.expiresAt}`,
    headers: { "retry-after": String(Math.ceil(leftMs / 1000)) },
  });
}

/** Frees the premium's issuance key for the next request (a lease no longer held changes nothing). */
export async function releaseQrIssuance(
  deps: Pick<QrIssuanceDeps, "idempotency" | "clock">,
  paymentId: number,
  lease: string,
): Promise<void> {
  await deps.idempotency
    .settle(issuanceKey(paymentId), lease, null, deps.clock.now().getTime())
    .catch((error: unknown) =>
      console.log(JSON.stringify({ idempotency: "qr-issuance-release-failed", paymentId, reason: String(error) })),
    );
}
