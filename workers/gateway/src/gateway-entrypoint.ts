// The gateway's private RPC surface for the KHQR worker (a service binding, never public):
// premium inquiry, and recording an issued QR with its event. Errors cross RPC as plain values
// in our vocabulary, since thrown classes do not survive the boundary.
import { WorkerEntrypoint } from "cloudflare:workers";
import { qrGeneratedEvent } from "../../../shared/events/payment-events.ts";
import { toPaymentError, type ErrorCode } from "../../../shared/errors.ts";
import { premiumFromDto, premiumToDto, type PremiumDto } from "../../../shared/premium.ts";
import { gatewayConfig } from "./config.ts";
import type { GatewayBindings } from "./gateway-env.ts";
import { gatewayServices } from "./gateway-services.ts";
import { inquirePremium } from "./premium-inquiry.ts";

export type RpcReply<T> = { ok: true; value: T } | { ok: false; error: { code: ErrorCode; message: string; details?: string } };

export interface QrIssuedNotice {
  invoiceNumber: string;
  premium: PremiumDto;
  bankCode: string;
  qrString: string;
  expiresAt?: string;
}

export class GatewayEntrypoint extends WorkerEntrypoint<GatewayBindings> {
  async inquirePremium(query: string): Promise<RpcReply<PremiumDto>> {
    return this.reply(async () => {
      return premiumToDto(await inquirePremium(this.services(), query, new Date()));
    });
  }

  async recordQrIssued(notice: QrIssuedNotice): Promise<RpcReply<{ eventId: string }>> {
    return this.reply(async () => {
      const services = this.services();
      const premium = premiumFromDto(notice.premium);
      const now = new Date();
      const event = qrGeneratedEvent(
        { paymentId: premium.id, policyNumber: premium.policyNumber, money: premium.money, bankCode: notice.bankCode },
        now.toISOString(),
      );
      await services.ledger.recordQrIssued({ ...notice, premium }, event, now);
      this.ctx.waitUntil(services.deliver([event.eventId]));
      return { eventId: event.eventId };
    });
  }

  private services() {
    return gatewayServices(this.env, gatewayConfig(this.env));
  }

  private async reply<T>(work: () => Promise<T>): Promise<RpcReply<T>> {
    try {
      return { ok: true, value: await work() };
    } catch (thrown) {
      const error = toPaymentError(thrown);
      if (error.status >= 500) console.log(JSON.stringify({ service: "gateway-rpc", code: error.code, reason: error.reason }));
      return { ok: false, error: { code: error.code, message: error.message, details: error.details } };
    }
  }
}
