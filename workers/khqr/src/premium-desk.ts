// The KHQR worker's view of the gateway: premium inquiry and issuance records over the private
// service binding, with RPC replies turned back into our errors.
import { PaymentError } from "../../../shared/errors.ts";
import type { PremiumDto } from "../../../shared/premium.ts";
import type { QrIssuedNotice, RpcReply } from "../../gateway/src/gateway-entrypoint.ts";
import type { KhqrBindings } from "./khqr-env.ts";

export class PremiumDesk {
  constructor(private readonly gateway: KhqrBindings["GATEWAY"]) {}

  async inquire(billNumber: string): Promise<PremiumDto> {
    return unwrap(await this.call(() => this.gateway.inquirePremium(billNumber)));
  }

  async recordIssued(notice: QrIssuedNotice): Promise<void> {
    unwrap(await this.call(() => this.gateway.recordQrIssued(notice)));
  }

  private async call<T>(rpc: () => Promise<RpcReply<T>>): Promise<RpcReply<T>> {
    try {
      return await rpc();
    } catch (error) {
      throw new PaymentError("SERVER_UNAVAILABLE", "The payment gateway is unavailable; retry later", {
        reason: `gateway RPC: ${String(error)}`,
      });
    }
  }
}

function unwrap<T>(reply: RpcReply<T>): T {
  if (reply.ok) return reply.value;
  throw new PaymentError(reply.error.code, reply.error.message, { details: reply.error.details });
}
