// The gateway's side of the private RPC contract with the KHQR worker (shared/payments/gateway-rpc.ts).
import { WorkerEntrypoint } from "cloudflare:workers";
import { readCheckoutDetails } from "#shared/payments/checkout-details.ts";
import { premiumForQrDto, rpcReply, type GatewayRpc, type QrIssuedNotice, type RpcReply } from "#shared/payments/gateway-rpc.ts";
import { readPaymentStatus } from "#shared/payments/payment-status.ts";
import { premiumForQr, releaseQrIssuance } from "#shared/payments/premium-for-qr.ts";
import { recordQrIssuance } from "#shared/payments/record-qr-issuance.ts";
import type { GatewayBindings } from "../gateway-env.ts";
import { countsAsOurs, measured, newMeasurement } from "../observability/measure-requests.ts";
import { gatewayServices, type GatewayServices } from "../services.ts";

export class GatewayEntrypoint extends WorkerEntrypoint<GatewayBindings> implements GatewayRpc {
  premiumForQr(query: string) {
    return this.call(async (services) => premiumForQrDto(await premiumForQr(services, query)));
  }

  recordQrIssued(notice: QrIssuedNotice) {
    return this.call(async (services) => {
      const recorded = await recordQrIssuance(services, notice);
      this.ctx.waitUntil(services.deliver([recorded.eventId]));
      return recorded;
    });
  }

  releaseQrIssuance(release: { paymentId: number; lease: string }) {
    return this.call(async (services) => (await releaseQrIssuance(services, release.paymentId, release.lease), null));
  }

  // Read-only and cheap (two or three keyed reads): the KHQR worker's status streams call this about once a second.
  paymentStatus(paymentId: number) {
    return this.call((services) => readPaymentStatus(services, paymentId));
  }

  checkoutDetails(paymentId: number) {
    return this.call((services) => readCheckoutDetails(services, paymentId));
  }

  /**
   * The call's services, built once per call as a request's are. Measured (MEASURE_REQUESTS=true,
   * local runs only), the reply says how many sequential round trips the call made, which the
   * KHQR worker adds to its own count.
   */
  private async call<T>(work: (services: GatewayServices) => Promise<T>): Promise<RpcReply<T> & { roundTrips?: number }> {
    const measurement = measured(this.env) ? newMeasurement() : undefined;
    const services = gatewayServices(this.env, { later: (promise) => this.ctx.waitUntil(promise), measurement });
    const reply = await rpcReply(() => work(services));
    return measurement ? { ...reply, roundTrips: measurement.steps.roundTrips(countsAsOurs) } : reply;
  }
}
