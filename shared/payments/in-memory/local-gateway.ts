// The gateway's RPC contract served in-process by the core verbs: what the KHQR side talks to
// when both run in one place (the core's tests), instead of over a service binding.
import { readCheckoutDetails } from "../checkout-details.ts";
import { premiumForQrDto, rpcReply, type GatewayRpc } from "../gateway-rpc.ts";
import { readPaymentStatus } from "../payment-status.ts";
import { premiumForQr, releaseQrIssuance, type QrIssuanceDeps } from "../premium-for-qr.ts";
import { recordQrIssuance } from "../record-qr-issuance.ts";

export function localGateway(deps: QrIssuanceDeps): GatewayRpc {
  return {
    premiumForQr: (query) => rpcReply(async () => premiumForQrDto(await premiumForQr(deps, query))),
    recordQrIssued: (notice) => rpcReply(() => recordQrIssuance(deps, notice)),
    releaseQrIssuance: ({ paymentId, lease }) => rpcReply(async () => (await releaseQrIssuance(deps, paymentId, lease), null)),
    paymentStatus: (paymentId) => rpcReply(() => readPaymentStatus(deps, paymentId)),
    checkoutDetails: (paymentId) => rpcReply(() => readCheckoutDetails(deps, paymentId)),
  };
}
