// The gateway's side of the private RPC contract with the KHQR worker (shared/payments/gateway-rpc.ts).
import { WorkerEntrypoint } from "cloudflare:workers";
import { readCheckoutDetails } from "#shared/payments/checkout-details.ts";
import { premiumForQrDto, rpcReply, type GatewayRpc, type QrIssuedNotice } from "#shared/payments/gateway-rpc.ts";
import { readPaymentStatus } from "#shared/payments/payment-status.ts";
import { premiumForQr, releaseQrIssuance } from "#shared/payments/premium-for-qr.ts";
import { recordQrIssuance } from "#shared/payments/record-qr-issuance.ts";
import type { GatewayBindings } from "../gateway-env.ts";
import { gatewayDeps } from "../wiring.ts";

export class GatewayEntrypoint extends WorkerEntrypoint<GatewayBindings> implements GatewayRpc {
  premiumForQr(query: string) {
    return rpcReply(async () => premiumForQrDto(await premiumForQr(gatewayDeps(this.env), query)));
  }

  recordQrIssued(notice: QrIssuedNotice) {
    return rpcReply(async () => {
      const deps = gatewayDeps(this.env);
      const recorded = await recordQrIssuance(deps, notice);
      this.ctx.waitUntil(deps.deliver([recorded.eventId]));
      return recorded;
    });
  }

  releaseQrIssuance(release: { paymentId: number; lease: string }) {
    return rpcReply(async () => (await releaseQrIssuance(gatewayDeps(this.env), release.paymentId, release.lease), null));
  }

  // Read-only and cheap (two or three keyed reads): the KHQR worker's status streams call this about once a second.
  paymentStatus(paymentId: number) {
    return rpcReply(() => readPaymentStatus(gatewayDeps(this.env), paymentId));
  }

  checkoutDetails(paymentId: number) {
    return rpcReply(() => readCheckoutDetails(gatewayDeps(this.env), paymentId));
  }
}
