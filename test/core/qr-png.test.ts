// The QR PNG renderer is pure shared code: under Deno too it draws a PNG that scans back (jsQR) to
// exactly the KHQR string it was given, Khmer text included.
import { equal } from "node:assert/strict";
import { buildKhqr } from "#shared/khqr/payload.ts";
import { qrPngBase64 } from "#shared/khqr/qr-png.ts";
import { decodeQrPng } from "../support/qr-image.ts";

Deno.test("the rendered PNG scans back to exactly its KHQR string", () => {
  const khqr = buildKhqr({
    bakongAccountId: "dlc_test@amkb",
    merchantId: "900000000290002",
    acquiringBank: "AMK Bank",
    merchantName: "ឌៃអ៊ីឈី ឡាយហ្វ៍",
    merchantCity: "Phnom Penh",
    amount: 89.5,
    currency: "USD",
    billNumber: "P123456789",
    createdAtMs: 1_760_000_000_000,
    expiresAtMs: 1_760_000_900_000,
  });
  equal(decodeQrPng(qrPngBase64(khqr)), khqr);
});
