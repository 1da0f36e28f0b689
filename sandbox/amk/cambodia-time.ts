// AMK writes local times in Cambodia (GMT+7, no daylight saving), e.g. the webhook's
// `paid_datetime` "2025-10-07 12:00:00.000000" and payment-verify's `paidAt` "2025-10-07 12:00:00".

const CAMBODIA_OFFSET_MS = 7 * 60 * 60 * 1000;

export function cambodiaDateTime(epochMs: number): string {
  return new Date(epochMs + CAMBODIA_OFFSET_MS).toISOString().slice(0, 19).replace("T", " ");
}

/** With microseconds, as the KHQR webhook sends them (the clock gives milliseconds). */
export function cambodiaDateTimeMicros(epochMs: number): string {
  const millis = String(Math.floor(epochMs) % 1000).padStart(3, "0");
  return `${cambodiaDateTime(epochMs)}.${millis}000`;
}
