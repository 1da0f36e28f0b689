// AMK writes local times in Cambodia's zone (GMT+7, no daylight saving). These parse them strictly
// into UTC instants (an impossible calendar value, Feb 30 or hour 24, is rejected, not rolled
// over), and format instants the way AMK does.

const CAMBODIA_OFFSET_MS = 7 * 60 * 60 * 1000;

const PAID_DATE = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/;
const KHQR_DATETIME = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})\.(\d{6})$/;
const AMK_DATETIME = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/;

/** `yyyyMMddHHmmss` in GMT+7 (bill payment `paidDate`) to an ISO-8601 UTC string, or null. */
export function parsePaidDate(text: string): string | null {
  const m = PAID_DATE.exec(text);
  if (!m) return null;
  return cambodiaToIso(m.slice(1, 7).map(Number), 0);
}

/** `yyyy-MM-dd HH:mm:ss.SSSSSS` in Asia/Bangkok (KHQR `paid_datetime`) to ISO-8601 UTC, or null. */
export function parseKhqrDatetime(text: string): string | null {
  const m = KHQR_DATETIME.exec(text);
  if (!m) return null;
  const micros = Number(m[7]);
  return cambodiaToIso(m.slice(1, 7).map(Number), Math.floor(micros / 1000));
}

/** An instant as AMK writes it: `yyyy-MM-dd HH:mm:ss` in GMT+7 (payment-verify's `paidAt`). */
export function formatCambodiaDateTime(epochMs: number): string {
  return new Date(epochMs + CAMBODIA_OFFSET_MS).toISOString().slice(0, 19).replace("T", " ");
}

/** With microseconds, as the KHQR webhook's `paid_datetime` (the clock gives milliseconds). */
export function formatKhqrDatetime(epochMs: number): string {
  const millis = String(Math.floor(epochMs) % 1000).padStart(3, "0");
  return `${formatCambodiaDateTime(epochMs)}.${millis}000`;
}

/** `yyyy-MM-dd HH:mm:ss` in GMT+7 (payment-verify's `paidAt`) to ISO-8601 UTC, or null. */
export function parseCambodiaDateTime(text: string): string | null {
  const m = AMK_DATETIME.exec(text);
  return m ? cambodiaToIso(m.slice(1, 7).map(Number), 0) : null;
}

/** AMK may report a payment a little ahead of our clock, never far ahead. */
export const BANK_CLOCK_SKEW_MS = 5 * 60_000;

/** Whether a reported payment time (ISO-8601 UTC) lies further in the future than clock skew explains. */
export function isInTheFuture(paidAtIso: string, nowMs: number): boolean {
  return Date.parse(paidAtIso) > nowMs + BANK_CLOCK_SKEW_MS;
}

/** `yyyy-MM-dd` that names a real calendar day. */
export function isCalendarDate(text: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  return m !== null && cambodiaToIso([Number(m[1]), Number(m[2]), Number(m[3]), 0, 0, 0], 0) !== null;
}

function cambodiaToIso(parts: number[], millis: number): string | null {
  const [year, month, day, hour, minute, second] = parts as [number, number, number, number, number, number];
  const utc = Date.UTC(year, month - 1, day, hour, minute, second, millis);
  const back = new Date(utc);
  const exact =
    back.getUTCFullYear() === year &&
    back.getUTCMonth() === month - 1 &&
    back.getUTCDate() === day &&
    back.getUTCHours() === hour &&
    back.getUTCMinutes() === minute &&
    back.getUTCSeconds() === second;
  if (!exact || year < 2000) return null;
  return new Date(utc - CAMBODIA_OFFSET_MS).toISOString();
}
