// Which QRs a reconciliation run asks AMK about first, on each record store: the ones owing the
// check after their expiry, then the never checked, then the rest, nearest expiry first; a claim
// AMK was not asked about is given back; a QR that left the window owing its check is closed once.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { recordStore } from "../../workers/gateway/src/services.ts";
import { execute, queryRow } from "../support/records.ts";

const MINUTE = 60_000;
const now = new Date("2026-03-01T12:00:00Z");
const at = (minutes: number) => new Date(now.getTime() + minutes * MINUTE).toISOString();

async function qr(invoice: string, issuedAt: string, expiresAt: string, lastCheckedAt: string | null) {
  await execute(
    "INSERT INTO khqr_issuances (qr_id, invoice_number, payment_id, policy_number, amount_minor, currency, bank_code, qr_string, issued_at, expires_at, last_checked_at) VALUES (?, ?, ?, 'P000000005', 1000, 'USD', 'AMK', 'qr', ?, ?, ?)",
    `${invoice}@${issuedAt}`,
    invoice,
    Number(invoice),
    issuedAt,
    expiresAt,
    lastCheckedAt,
  );
}

const query = (limit: number) => ({
  issuedAfter: new Date(now.getTime() - 24 * 60 * MINUTE),
  issuedBefore: new Date(now.getTime() - 2 * MINUTE),
  expiredAfter: new Date(now.getTime() - 60 * MINUTE),
  checkedBefore: new Date(now.getTime() - 5 * MINUTE),
  limit,
});

describe("reconciliation's order", () => {
  it("asks first about expired QRs owing their last check, then never-checked ones, then rechecks, nearest expiry first", async () => {
    await qr("770001", at(-40), at(20), at(-10)); // recheck, expires later
    await qr("770002", at(-40), at(5), at(-10)); // recheck, expires sooner
    await qr("770003", at(-10), at(10), null); // never checked
    await qr("770004", at(-50), at(-20), at(-30)); // expired 20 min ago, last asked before that
    await qr("770005", at(-50), at(-40), at(-45)); // expired 40 min ago: nearer the window's end
    await qr("770006", at(-50), at(-30), at(-25)); // expired, already asked after expiry: a recheck
    const store = recordStore(env);
    const order: string[] = [];
    for (
      let claimed = await store.claimOpenIssuances(query(1), now);
      claimed.length > 0;
      claimed = await store.claimOpenIssuances(query(1), now)
    ) {
      order.push(...claimed.map((q) => q.invoiceNumber).filter((i) => i.startsWith("7700")));
    }
    expect(order).toEqual(["770005", "770004", "770003", "770006", "770002", "770001"]);

    // Given back: claimable again at once.
    await store.returnIssuances([`770003@${at(-10)}`, `770001@${at(-40)}`]);
    const again = await store.claimOpenIssuances(query(10), now);
    expect(again.map((q) => q.invoiceNumber).sort()).toEqual(["770001", "770003"]);
  });

  it("closes, once, the QRs whose window ended while they still owed their check after expiry", async () => {
    await qr("771001", at(-200), at(-90), at(-100)); // left the window unchecked after expiry
    await qr("771002", at(-200), at(-90), null); // never checked at all
    await qr("771003", at(-200), at(-90), at(-80)); // asked after expiry: not paid, fine
    await qr("771004", at(-100), at(-30), null); // still inside its window
    const store = recordStore(env);
    const unchecked = {
      issuedAfter: new Date(now.getTime() - 24 * 60 * MINUTE),
      expiredBefore: new Date(now.getTime() - 60 * MINUTE),
      limit: 100,
    };
    const closed = await store.closeUncheckedIssuances(unchecked, now);
    expect(
      closed
        .map((q) => q.invoiceNumber)
        .filter((i) => i.startsWith("7710"))
        .sort(),
    ).toEqual(["771001", "771002"]);
    expect(await store.closeUncheckedIssuances(unchecked, now)).toEqual([]);
    const row = await queryRow<{ resolved_at: string | null }>("SELECT resolved_at FROM khqr_issuances WHERE invoice_number = '771001'");
    expect(row?.resolved_at).toBe(now.toISOString());
  });
});
