// KHQR's checksum (tag 63): CRC-16/CCITT-FALSE (poly 0x1021, init 0xFFFF, no reflection, no final
// xor) over the UTF-8 bytes of the payload up to and including "6304". Written bit by bit, so it
// shares nothing with the production code it stands in for.

export function crc16CcittFalse(text: string): string {
  let crc = 0xffff;
  for (const byte of new TextEncoder().encode(text)) {
    crc ^= byte << 8;
    for (let bit = 0; bit < 8; bit += 1) {
      crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
    }
  }
  // Always 4 digits: a CRC below 0x1000 keeps its leading zeros, which some public SDKs drop.
  return crc.toString(16).toUpperCase().padStart(4, "0");
}
