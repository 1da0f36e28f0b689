// Reads a QR code back from a base64 PNG, as a phone camera would: the KHQR worker's own reader.
export { decodeQrPng } from "#shared/khqr/qr-image.ts";
