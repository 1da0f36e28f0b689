// The gateway's side of the private RPC contract with the KHQR worker (shared/payments/gateway-rpc.ts).
import { WorkerEntrypoint } from "cloudflare:workers";
import { readCheckoutDetails } from "#shared/payments/checkout-details.ts";
import { premiumForQrDto, rpcReply, type GatewayRpc, type QrIssuedNotice } from "#shared/payments/gateway-rpc.ts";
import { readPaymentStatus } from "#shared/payments/payment-status.ts";
import { premiumForQr, releaseQrIssuance } from "#shared/payments/premium-for-qr.ts";
import { recordQrIssuance } from "#shared/payments/record-qr-issuance.ts";
import type { GatewayBindings } from "../gateway-env.ts";
import { gatewayServices, type GatewayServices } from "../services.ts";

export class GatewayEntrypoint extends WorkerEntrypoint<GatewayBindings> implements GatewayRpc {
  /** The call's services, built once per call as a request's are. */
  private services(): GatewayServices {
    return gatewayServices(this.env, { later: (work) => this.ctx.waitUntil(work) });
  }

  premiumForQr(query: string) {
    return rpcReply(async () => premiumForQrDto(await premiumForQr(this.services(), query)));
  }

  recordQrIssued(notice: QrIssuedNotice) {
    return rpcReply(async () => {
      const deps = this.services();
      const recorded = await recordQrIssuance(deps, notice);
      this.ctx.waitUntil(deps.deliver([recorded.eventId]));
      return recorded;
    });
  }

  releaseQrIssuance(release: { paymentId: number; lease: string }) {
    return rpcReply(async () => (await releaseQrIssuance(this.services(), release.paymentId, release.lease), null));
  }

  // Read-only and cheap (two or three keyed reads): the KHQR worker's status streams call this about once a second.
  paymentStatus(paymentId: number) {
    return rpcReply(() => readPaymentStatus(this.services(), paymentId));
  }

  checkoutDetails(paymentId: number) {
    return rpcReply(() => readCheckoutDetails(this.services(), paymentId));
  }
}
