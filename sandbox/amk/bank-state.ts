// What the sandbox bank remembers between requests: in memory, for one sandbox process.
import type { Currency } from "./amount.ts";
import type { QrDefect } from "./qr-tampering.ts";

export type AmkTransactionStatus = "SUCCESS" | "PENDING" | "FAILED";

export interface AccessToken {
  username: string;
  expiresAtMs: number;
}

/** A QR the bank issued through qr/generator; `pay` moves it from PENDING. */
export interface IssuedInvoice {
  invoiceNumber: string;
  billNumber: string;
  amount: number;
  currency: Currency;
  qrString: string;
  status: AmkTransactionStatus;
  createdAtMs: number;
  expiresAtMs: number;
  /** `yyyy-MM-dd HH:mm:ss` in GMT+7, as payment-verify reports it. */
  paidAt: string | null;
  /** `yyyy-MM-dd HH:mm:ss.SSSSSS` in GMT+7, as the webhook carried it (kept so a re-sent webhook is identical). */
  paidDatetime: string | null;
}

/** A forced answer: an AMK `code` in a 200 body, or a bare HTTP status. */
export type ForcedReply = { code: string } | { httpStatus: number };

/** What a test told payment-verify to report for a txId; wins over the issued invoice. */
export interface SeededTransaction {
  txId: string;
  status: AmkTransactionStatus;
  amount: number;
  /** Any string, so a test can make AMK disagree with the premium's currency. */
  currency: string;
  paidAt: string | null;
}

export interface QrFailure {
  code: string;
  httpStatus: number;
  /** How many more calls fail; undefined: every call until cleared. */
  remaining?: number;
}

export interface QrTampering {
  kind: QrDefect;
  /** How many more QR codes carry the defect; undefined: every one until cleared. */
  remaining?: number;
}

export interface AmkBankState {
  tokens: Map<string, AccessToken>;
  signIns: Map<string, { attempts: number; accepted: number }>;
  invoices: Map<string, IssuedInvoice>;
  seededTransactions: Map<string, SeededTransaction>;
  /** payment-verify replies forced per txId (after the merchant, hash and timestamp checks). */
  forcedVerifyReplies: Map<string, ForcedReply>;
  qrFailures: Map<string, QrFailure>;
  /** Defective QR codes qr/generator issues, per bill number. */
  qrTampering: Map<string, QrTampering>;
  verifications: Map<string, number>;
  /** qr/generator calls that minted a QR, per invoice number. */
  qrGenerations: Map<string, number>;
}

export function createAmkBankState(): AmkBankState {
  return {
    tokens: new Map(),
    signIns: new Map(),
    invoices: new Map(),
    seededTransactions: new Map(),
    forcedVerifyReplies: new Map(),
    qrFailures: new Map(),
    qrTampering: new Map(),
    verifications: new Map(),
    qrGenerations: new Map(),
  };
}
