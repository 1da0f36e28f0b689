// What the KHQR worker needs before it has AMK generate a QR: the premium due (unpaid in the
// records), and the QR already issued for it that a customer can still pay, if there is one. An
// invoice keeps one open QR at a time: a second QR under the same invoice could be paid too, and
// KHQR has no bank transaction id to tell the two payments apart by.
import { sameMoney } from "../money.ts";
import type { Premium } from "../premium.ts";
import { inquirePremium, type InquiryDeps } from "./inquire-premium.ts";
import type { QrIssuance } from "./ports.ts";

export interface PremiumForQr {
  premium: Premium;
  /** The unsettled QR issued for this premium's money that has not expired; null when a new one is needed. */
  openQr: QrIssuance | null;
}

export async function premiumForQr(deps: InquiryDeps, query: string): Promise<PremiumForQr> {
  const premium = await inquirePremium(deps, query);
  const issued = await deps.records.findOpenIssuance(String(premium.id));
  const now = deps.clock.now().toISOString();
  const open = issued !== null && sameMoney(issued.money, premium.money) && issued.expiresAt !== undefined && issued.expiresAt > now;
  return { premium, openQr: open ? issued : null };
}
