// Which QRs reconciliation asks AMK about, and in what order, as SQL both record stores run as is
// (ISO-8601 text times compare alike in SQLite and PostgreSQL). Each store passes its own table.
import { and, asc, isNotNull, isNull, lt, lte, or, sql, type AnyColumn } from "drizzle-orm";
import type { UncheckedQuery } from "#shared/payments/ports.ts";

export function issuanceChecks(issuances: { expiresAt: AnyColumn; lastCheckedAt: AnyColumn }) {
  /** Expired and not asked about since: the check that finds any payment made on it. */
  const owesCheck = sql`(${issuances.lastCheckedAt} IS NULL OR ${issuances.lastCheckedAt} < ${issuances.expiresAt})`;
  return {
    /** claimOpenIssuances' order (ports.ts): owing the after-expiry check, never checked, the rest; nearest expiry first. */
    checkOrder: (now: Date) => [
      sql`CASE WHEN ${issuances.expiresAt} <= ${now.toISOString()} AND ${owesCheck} THEN 0 WHEN ${issuances.lastCheckedAt} IS NULL THEN 1 ELSE 2 END`,
      sql`${issuances.expiresAt} IS NULL`,
      asc(issuances.expiresAt),
      asc(issuances.lastCheckedAt),
    ],
    /** Not asked about since `checkedBefore`. */
    checkDue: (checkedBefore: Date) => or(isNull(issuances.lastCheckedAt), lte(issuances.lastCheckedAt, checkedBefore.toISOString())),
    /** Expired before the query's window end and never asked about since its expiry. */
    leftUnchecked: (query: UncheckedQuery) =>
      and(isNotNull(issuances.expiresAt), lt(issuances.expiresAt, query.expiredBefore.toISOString()), owesCheck),
  };
}
