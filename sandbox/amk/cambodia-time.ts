// AMK writes times on Cambodia's clock: GMT+7 all year (no daylight saving).

const GMT_PLUS_7_MS = 7 * 60 * 60 * 1000;

/** `yyyy-MM-dd HH:mm:ss`, as payment-verify reports `paidAt`. */
export function amkDateTime(epochMs: number): string {
  const local = new Date(Math.floor(epochMs) + GMT_PLUS_7_MS);
  const two = (n: number) => String(n).padStart(2, "0");
  const date = `${local.getUTCFullYear()}-${two(local.getUTCMonth() + 1)}-${two(local.getUTCDate())}`;
  return `${date} ${two(local.getUTCHours())}:${two(local.getUTCMinutes())}:${two(local.getUTCSeconds())}`;
}

/** `yyyy-MM-dd HH:mm:ss.SSSSSS`, as the KHQR webhook's `paid_datetime`; the clock gives milliseconds. */
export function amkDateTimeMicros(epochMs: number): string {
  const millis = ((Math.floor(epochMs) % 1000) + 1000) % 1000;
  return `${amkDateTime(epochMs)}.${String(millis * 1000).padStart(6, "0")}`;
}
