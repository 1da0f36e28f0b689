// What the KHQR worker needs before it has AMK generate a QR: the premium due (unpaid in the
// records), and either the QR to show again or the right to have one minted. Every QR of a
// premium carries the same invoice number, so a premium's QRs are minted one at a time: the right
// to mint is a lease on the premium's own idempotency key (its Durable Object), and simultaneous
// requests (a double tap, an app's retry, a checkout renewal) wait for that one QR instead of
// asking AMK for another.
import { PaymentError } from "./errors.ts";
import { sameMoney } from "./money.ts";
import type { Premium } from "./premium.ts";
import { inquirePremium, type InquiryDeps } from "./inquire-premium.ts";
import type { IdempotencyKeeper, QrIssuance } from "./ports.ts";

export interface PremiumForQr {
  /** The premium due; when a QR is shown, with that QR's money (what the customer pays with it). */
  premium: Premium;
  /** The unsettled QR to show again, when there is one a customer can still pay. */
  openQr: QrIssuance | null;
  /** Held by this request while it has AMK mint the premium's QR; null when a QR is shown, or while another request mints one (ask again shortly). */
  lease: string | null;
}

export type QrIssuanceDeps = InquiryDeps & { idempotency: IdempotencyKeeper };

/** An open QR is shown again only while the customer still has this long to pay it. */
export const REUSE_MIN_REMAINING_MS = 2 * 60_000;

/** The key whose lease is the right to mint the premium's next QR (never settled with an answer: freed once the QR is recorded). */
export const issuanceKey = (paymentId: number) => `qr-issuance:${paymentId}`;

export async function premiumForQr(deps: QrIssuanceDeps, query: string): Promise<PremiumForQr> {
  const premium = await inquirePremium(deps, query);
  const shown = await qrToShow(deps, premium);
  if (shown) return shown;
  const admission = await deps.idempotency
    .admit(issuanceKey(premium.id), "qr-issuance", deps.clock.now().getTime())
    .catch((error: unknown) => {
      throw new PaymentError("SERVER_UNAVAILABLE", "The payment store is unavailable; retry later", {
        reason: `qr issuance admit: ${String(error)}`,
      });
    });
  if (admission.kind !== "proceed") return { premium, openQr: null, lease: null };
  // The lease holder before us may have recorded its QR after our first read: show that one.
  const recorded = await qrToShow(deps, premium).catch(async (error: unknown) => {
    await releaseQrIssuance(deps, premium.id, admission.lease);
    throw error;
  });
  if (!recorded) return { premium, openQr: null, lease: admission.lease };
  await releaseQrIssuance(deps, premium.id, admission.lease);
  return recorded;
}

/**
 * The premium's open QR while a customer can still pay it, or null when a new one is to be minted.
 * A re-priced premium waits for its open QR to lapse (its invoice number is its payment id, so a
 * second QR would be payable beside the first at another amount): until then that QR, at its own
 * amount, is what the customer is shown, and in its last minutes a new QR is refused (409, with
 * Retry-After). A QR at the same amount with less than REUSE_MIN_REMAINING_MS left gets a fresh
 * QR beside it; both ask the same money and both stay under reconciliation.
 */
async function qrToShow(deps: QrIssuanceDeps, premium: Premium): Promise<PremiumForQr | null> {
  const open = await deps.records.findOpenIssuance(String(premium.id));
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
