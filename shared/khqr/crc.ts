// The KHQR checksum (tag 63): CRC-16/CCITT-FALSE over the UTF-8 bytes of the payload up to and
// including "6304". Always 4 uppercase hex digits: some public SDKs drop leading zeros, and a
// banking app then rejects the code.

const POLYNOMIAL = 0x1021;
const INITIAL = 0xffff;

export function crc16CcittFalse(text: string): string {
  let crc = INITIAL;
  for (const byte of new TextEncoder().encode(text)) {
    crc ^= byte << 8;
    for (let bit = 0; bit < 8; bit += 1) {
      crc = crc & 0x8000 ? ((crc << 1) ^ POLYNOMIAL) & 0xffff : (crc << 1) & 0xffff;
    }
  }
  return crc.toString(16).toUpperCase().padStart(4, "0");
}
