// Stand-in for AMK (docs/contracts.md), under /amk, with its test controls under /__sandbox/amk/.
//   POST /amk/auth/sign-in                                   partner credentials -> bearer token
//   POST /amk/qr/generator                                   bearer token; a dynamic KHQR + PNG
//   POST /amk/amkpayway/v1/api/payment/payment-verify        form + HMAC; what AMK knows of a txId
//   POST /__sandbox/amk/pay {invoiceNumber, status?}         pay an issued QR; sends the webhook
// The other controls are listed in controls.ts.
import type { SandboxRoute } from "../http.ts";
import type { AmkBankOptions } from "./bank-options.ts";
import { createAmkBankState } from "./bank-state.ts";
import { controls } from "./controls.ts";
import { pay } from "./pay.ts";
import { paymentVerify } from "./payment-verify.ts";
import { qrGenerator } from "./qr-generator.ts";
import { signIn } from "./sign-in.ts";

export type { AmkBankOptions } from "./bank-options.ts";

export function amkBank(options: AmkBankOptions): SandboxRoute {
  const state = createAmkBankState();

  return async (req, url) => {
    const post = req.method === "POST";
    switch (url.pathname) {
      case "/amk/auth/sign-in":
        return post ? signIn(req, state, options) : undefined;
      case "/amk/qr/generator":
        return post ? qrGenerator(req, state, options) : undefined;
      case "/amk/amkpayway/v1/api/payment/payment-verify":
        return post ? paymentVerify(req, state, options) : undefined;
      case "/__sandbox/amk/pay":
        return post ? pay(req, state, options) : undefined;
    }
    return url.pathname.startsWith("/__sandbox/amk/") ? controls(req, url, state) : undefined;
  };
}
