// The EMVCo tag-length-value run a KHQR is made of: a 2-digit tag, a 2-digit length, the value.
import { crc16CcittFalse } from "./crc16.ts";

/** One field. Lengths count characters, not UTF-8 bytes (a Khmer merchant name is longer in bytes). */
export function tlv(tag: string, value: string): string {
  const length = Array.from(value).length;
  if (!/^\d{2}$/.test(tag)) throw new RangeError(`KHQR tag must be 2 digits, got "${tag}"`);
  if (length > 99) throw new RangeError(`KHQR tag ${tag} holds ${length} characters; at most 99 fit`);
  return `${tag}${String(length).padStart(2, "0")}${value}`;
}

/** The fields in order, closed by tag 63 whose CRC covers everything before it, "6304" included. */
export function withCrc(fields: string): string {
  const signed = `${fields}6304`;
  return signed + crc16CcittFalse(signed);
}
