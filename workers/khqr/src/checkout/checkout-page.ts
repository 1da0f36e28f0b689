// The hosted checkout page (docs/api.md), server-rendered with hono's `html` helper:
// mobile first, no build step, nothing from another origin. A small inline script (allowed by the
// response's nonce) runs the countdown and follows the status stream, so "Paid" or "Expired"
// appears without a reload. Everything the script needs is in data- attributes, never in its text.
import { html, raw } from "hono/html";
import type { CheckoutDetails } from "#shared/payments/checkout-details.ts";
import { moneyText } from "./money-text.ts";
import { qrSvgDataUrl } from "./qr-svg.ts";

export const STATUS_LABEL = { PENDING: "Waiting for payment", PAID: "Paid", EXPIRED: "Expired" } as const;

const STYLE = raw(`
*{box-sizing:border-box}
body{margin:0;font:16px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1b1b1f;background:#f3f4f6}
main{max-width:28rem;margin:0 auto;padding:1rem;background:#fff;min-height:100vh}
h1{font-size:1.25rem;margin:.25rem 0 1rem}
dl{display:grid;grid-template-columns:auto 1fr;gap:.25rem .75rem;margin:0 0 1rem}
dt{color:#5b5b66}dd{margin:0;font-weight:600;overflow-wrap:anywhere}
.amount{font-size:1.5rem}
.qr{display:block;width:100%;max-width:18rem;height:auto;margin:0 auto;border:1px solid #e3e3e8}
.status{font-size:1.25rem;font-weight:700;text-align:center;margin:1rem 0 .25rem;padding:.5rem;border-radius:.5rem;background:#fff7e0}
.countdown{text-align:center;margin:0;color:#5b5b66}
.hint{text-align:center;color:#5b5b66;font-size:.9rem}
.renew{text-align:center;margin:1rem 0}
button{font:inherit;font-weight:600;padding:.75rem 1.25rem;border:0;border-radius:.5rem;background:#b3122e;color:#fff;width:100%;max-width:18rem}
[data-status=PAID] .status{background:#e3f6e8;color:#0b6b2b}
[data-status=EXPIRED] .status{background:#fde8e8;color:#9b1c1c}
[data-status=PAID] .pending-only,[data-status=EXPIRED] .pending-only{display:none}
main:not([data-status=EXPIRED]) .renew{display:none}
@media (min-width:48rem){body{padding:2rem 0}main{min-height:0;border-radius:1rem;padding:2rem;box-shadow:0 1px 8px #0002}}
`);

const SCRIPT = raw(`
(() => {
  const main = document.querySelector("main");
  const status = document.getElementById("status");
  const countdown = document.getElementById("countdown");
  const labels = { PENDING: "Waiting for payment", PAID: "Paid", EXPIRED: "Expired" };
  let expiresAt = Date.parse(main.dataset.expiresAt || "");
  const show = (name) => {
    main.dataset.status = name;
    status.textContent = labels[name] || name;
  };
  const tick = () => {
    if (main.dataset.status !== "PENDING" || !expiresAt) return;
    const left = Math.max(0, Math.floor((expiresAt - Date.now()) / 1000));
    countdown.textContent = Math.floor(left / 60) + ":" + String(left % 60).padStart(2, "0");
    if (left === 0) show("EXPIRED");
  };
  tick();
  const timer = setInterval(tick, 1000);
  if (main.dataset.status !== "PENDING") return clearInterval(timer);
  const stream = new EventSource(main.dataset.stream);
  stream.addEventListener("status", (event) => {
    const reading = JSON.parse(event.data);
    if (reading.expiresAt) expiresAt = Date.parse(reading.expiresAt);
    show(reading.status);
    if (reading.status !== "PENDING") {
      stream.close();
      clearInterval(timer);
    }
  });
})();
`);

export function checkoutPage(details: CheckoutDetails, token: string, nonce: string, nowMs: number) {
  const { status, payer, qrString } = details;
  const left = status.expiresAt ? Math.max(0, Math.floor((Date.parse(status.expiresAt) - nowMs) / 1000)) : 0;
  const countdown = `${Math.floor(left / 60)}:${String(left % 60).padStart(2, "0")}`;
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="robots" content="noindex" />
        <title>Pay your premium · Dai-ichi Life</title>
        <style nonce="${nonce}">
          ${STYLE}
        </style>
      </head>
      <body>
        <main data-status="${status.status}" data-expires-at="${status.expiresAt ?? ""}" data-stream="/pay/${token}/status">
          <h1>Dai-ichi Life premium</h1>
          <dl>
            <dt>Payer</dt>
            <dd id="payer">${payer}</dd>
            <dt>Policy</dt>
            <dd id="policy">${status.policyNumber}</dd>
            <dt>Amount</dt>
            <dd id="amount" class="amount">${moneyText(status.amount, status.currency)}</dd>
          </dl>
          ${
            qrString && status.status === "PENDING"
              ? html`<img
                    id="qr"
                    class="qr pending-only"
                    src="${qrSvgDataUrl(qrString)}"
                    width="288"
                    height="288"
                    alt="KHQR code to scan with your banking app"
                  />
                  <p class="hint pending-only">Scan with any KHQR banking app.</p>`
              : ""
          }
          <p id="status" class="status" role="status" aria-live="polite">${STATUS_LABEL[status.status]}</p>
          <p class="countdown pending-only">Time left: <span id="countdown">${countdown}</span></p>
          <form class="renew" method="post" action="/pay/${token}/renew"><button type="submit">Get a new QR code</button></form>
        </main>
        <script nonce="${nonce}">
          ${SCRIPT};
        </script>
      </body>
    </html>`;
}
