// The audit trail of KHQR webhooks: what AMK sent and what we made of it.
import type { DrizzleD1Database } from "drizzle-orm/d1";
import { webhookReceipts } from "./schema.ts";

export interface WebhookReceipt {
  invoiceNumber: string;
  status: string;
  merchantNumber: string;
  paidAmount: number;
  currency: string;
  paidDatetime: string;
  /** CONFIRMED, REPLAYED, ACKNOWLEDGED (not a success status), or the error code answered. */
  outcome: string;
  requestId: string;
}

export class WebhookAudit {
  constructor(private readonly db: DrizzleD1Database) {}

  async record(receipt: WebhookReceipt, now: Date): Promise<void> {
    await this.db.insert(webhookReceipts).values({ ...receipt, paidAmount: String(receipt.paidAmount), receivedAt: now.toISOString() });
  }
}
