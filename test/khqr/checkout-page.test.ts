// The hosted checkout page (docs/api.md) without a browser: what the worker serves at
// /pay/{token}, its status stream and its renewal. test/browser/ drives the same page in Chromium.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { signCheckoutToken } from "#shared/payments/checkout-token.ts";
import { payAtBank } from "../support/amk.ts";
import { callGateway } from "../support/gateway.ts";
import { callKhqrApart as callKhqr, eventReader, expireQrAt } from "../support/khqr.ts";
import { seedPremium, type TestPremium } from "../support/sandbox.ts";

async function checkoutLink(premium: TestPremium) {
  const response = await callKhqr("/khqr/checkout", { method: "POST", body: { bankCode: "AMK", billNumber: premium.policyNumber } });
  expect(response.status).toBe(201);
  const { data } = await response.json<any>();
  return { ...(data as { paymentId: number; url: string; expiresAt: string }), path: new URL(data.url).pathname };
}

const page = (path: string, options: Parameters<typeof callKhqr>[1] = {}) => callKhqr(path, { token: null, ...options });

async function qrStringOf(paymentId: number): Promise<string> {
  const row = await env.DB.prepare("SELECT qr_string FROM khqr_issuances WHERE invoice_number = ? ORDER BY issued_at DESC")
    .bind(String(paymentId))
    .first<any>();
  return row.qr_string;
}

function cspOf(response: Response): Map<string, string> {
  const policy = response.headers.get("content-security-policy") ?? "";
  return new Map(
    policy.split(";").map((part) => {
      const [name = "", ...values] = part.trim().split(/\s+/);
      return [name, values.join(" ")];
    }),
  );
}

describe("GET /pay/{token}", () => {
  it("shows the payer, the policy, the amount in its currency, the QR, the time left and the status, with no bearer token", async () => {
    const premium = await seedPremium({ amount: 1289.5, payer: "Sok Dara" });
    const link = await checkoutLink(premium);
    const response = await page(link.path);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/html/);
    const body = await response.text();
    expect(body).toContain(">Sok Dara<");
    expect(body).toContain(`>${premium.policyNumber}<`);
    expect(body).toContain(">USD 1,289.50<");
    expect(body).toMatch(/<img\s+id="qr"[^>]+src="data:image\/svg\+xml;base64,/);
    expect(body).toMatch(/id="countdown">1[45]:\d\d</);
    expect(body).toContain('role="status" aria-live="polite">Waiting for payment<');
    expect(body).toContain(`data-stream="${link.path}/status"`);
  });

  it("formats riel without decimals", async () => {
    const premium = await seedPremium({ currency: "KHR", amount: 400000 });
    expect(await (await page((await checkoutLink(premium)).path)).text()).toContain(">KHR 400,000<");
  });

  it("draws the QR from the issued KHQR string", async () => {
    const premium = await seedPremium();
    const link = await checkoutLink(premium);
    const body = await (await page(link.path)).text();
    const svg = atob(/src="data:image\/svg\+xml;base64,([^"]+)"/.exec(body)![1]!);
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg" viewBox="0 0 \d+ \d+"/);
    // The same string the gateway recorded is what the browser test reads back from a screenshot.
    expect(await qrStringOf(link.paymentId)).toMatch(/^000201010212/);
  });

  it("sends a strict Content-Security-Policy whose nonce is the inline script's and style's", async () => {
    const response = await page((await checkoutLink(await seedPremium())).path);
    const csp = cspOf(response);
    const nonce = /script-src 'nonce-([A-Za-z0-9+/=]+)'/.exec(response.headers.get("content-security-policy")!)![1];
    expect(csp.get("default-src")).toBe("'none'");
    expect(csp.get("script-src")).toBe(`'nonce-${nonce}'`);
    expect(csp.get("style-src")).toBe(`'nonce-${nonce}'`);
    expect(csp.get("img-src")).toBe("data:");
    expect(csp.get("connect-src")).toBe("'self'");
    expect(csp.get("form-action")).toBe("'self'");
    expect(csp.get("frame-ancestors")).toBe("'none'");
    expect(response.headers.get("referrer-policy")).toBe("no-referrer");
    expect(response.headers.get("cache-control")).toBe("no-store");
    const body = await response.text();
    expect(body.match(/<script/g)).toHaveLength(1);
    expect(body).toContain(`<script nonce="${nonce}">`);
    expect(body).toContain(`<style nonce="${nonce}">`);
    expect(body).not.toMatch(/\sstyle="|\son[a-z]+="|https?:\/\/(?!www\.w3\.org\/2000\/svg)/);
    // A new nonce for every response.
    const again = await page(new URL((await checkoutLink(await seedPremium())).url).pathname);
    expect(again.headers.get("content-security-policy")).not.toContain(nonce);
  });

  it("escapes what it shows", async () => {
    const premium = await seedPremium({ payer: `<script>alert("x")</script>` });
    const body = await (await page((await checkoutLink(premium)).path)).text();
    expect(body).not.toContain("<script>alert");
    expect(body).toContain("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;");
  });

  it("shows Paid, and no QR, once the premium is paid", async () => {
    const premium = await seedPremium();
    const link = await checkoutLink(premium);
    const webhook = await payAtBank(String(link.paymentId));
    await callGateway("/AMK/khqr", { method: "POST", token: webhook.authorization.slice(7), body: webhook.body });
    const body = await (await page(link.path)).text();
    expect(body).toContain('data-status="PAID"');
    expect(body).toContain(">Paid<");
    expect(body).not.toContain('id="qr"');
  });

  it("answers one plain 404 page, the same for a forged, an altered, an expired and a malformed token", async () => {
    const premium = await seedPremium();
    const link = await checkoutLink(premium);
    const [id, exp, signature] = link.path.slice("/pay/".length).split(".") as [string, string, string];
    const expired = await signCheckoutToken(env.CHECKOUT_SIGNING_KEY, {
      paymentId: premium.id,
      expiresAt: Math.floor(Date.now() / 1000) - 1,
    });
    const forged = await signCheckoutToken("a-different-key-also-32-characters-long!", { paymentId: premium.id, expiresAt: Number(exp) });
    const unknownPayment = await signCheckoutToken(env.CHECKOUT_SIGNING_KEY, { paymentId: 987_654_321, expiresAt: Number(exp) });
    const bodies = new Set<string>();
    for (const token of [
      forged,
      `${Number(id) + 1}.${exp}.${signature}`,
      `${id}.${Number(exp) + 60}.${signature}`,
      expired,
      unknownPayment,
      "nonsense",
    ]) {
      const response = await page(`/pay/${token}`);
      expect(response.status, token).toBe(404);
      expect(response.headers.get("content-type")).toMatch(/^text\/html/);
      expect(cspOf(response).get("default-src")).toBe("'none'");
      bodies.add(await response.text());
    }
    expect(bodies.size).toBe(1);
    const [body] = bodies;
    expect(body).toContain("Page not found");
    expect(body).not.toMatch(/expired|signature|forged|payment id|\d{6}/i);
  });
});

describe("GET /pay/{token}/status", () => {
  it("streams the same status events as the apps' stream, authorized by the link", async () => {
    const premium = await seedPremium();
    const link = await checkoutLink(premium);
    const response = await page(`${link.path}/status`);
    expect(response.headers.get("content-type")).toMatch(/^text\/event-stream/);
    const events = eventReader(response);
    expect(await events.next(1_000)).toMatchObject({ event: "status", data: { paymentId: premium.id, status: "PENDING" } });
    const webhook = await payAtBank(String(link.paymentId));
    await callGateway("/AMK/khqr", { method: "POST", token: webhook.authorization.slice(7), body: webhook.body });
    expect((await events.next(2_000))?.data).toMatchObject({ status: "PAID", channel: "KHQR" });
    expect(await events.next(2_000)).toBeNull();
  });

  it("is the 404 page for a bad link", async () => {
    const response = await page(`/pay/1.2.${"A".repeat(43)}/status`);
    expect(response.status).toBe(404);
    expect(await response.text()).toContain("Page not found");
  });

  it("is the 404 page for a genuine link to a payment the gateway does not know", async () => {
    const unknownPayment = await signCheckoutToken(env.CHECKOUT_SIGNING_KEY, {
      paymentId: 987_654_321,
      expiresAt: Math.floor(Date.now() / 1000) + 600,
    });
    const response = await page(`/pay/${unknownPayment}/status`);
    expect(response.status).toBe(404);
    expect(response.headers.get("content-type")).toMatch(/^text\/html/);
    expect(await response.text()).toContain("Page not found");
  });
});

describe("POST /pay/{token}/renew", () => {
  it("issues a new QR for the same premium once the old one expired, and redirects to its page", async () => {
    const premium = await seedPremium();
    const link = await checkoutLink(premium);
    const before = await qrStringOf(link.paymentId);
    await expireQrAt(link.paymentId, new Date(Date.now() - 1_000));
    expect(await (await page(link.path)).text()).toContain('data-status="EXPIRED"');

    const response = await page(`${link.path}/renew`, { method: "POST" });
    expect(response.status).toBe(303);
    const location = response.headers.get("location")!;
    expect(location).toMatch(new RegExp(`^/pay/${premium.id}\\.`));
    // (The link may read the same: it names the payment id and the new QR's expiry, to the second.)
    expect(await qrStringOf(link.paymentId)).not.toBe(before);
    const renewed = await (await page(location)).text();
    expect(renewed).toContain('data-status="PENDING"');
    expect(renewed).toContain('id="qr"');
  });

  it("leaves a QR that has not expired alone, redirecting back to its page", async () => {
    const link = await checkoutLink(await seedPremium());
    const before = await qrStringOf(link.paymentId);
    const response = await page(`${link.path}/renew`, { method: "POST" });
    expect(response.status).toBe(303);
    expect(response.headers.get("location")).toBe(link.path);
    expect(await qrStringOf(link.paymentId)).toBe(before);
  });

  it("accepts a link up to an hour past its expiry, and not a forged one", async () => {
    const premium = await seedPremium();
    const link = await checkoutLink(premium);
    await expireQrAt(link.paymentId, new Date(Date.now() - 1_000));
    const anHourAgo = Math.floor(Date.now() / 1000) - 3_500;
    const late = await signCheckoutToken(env.CHECKOUT_SIGNING_KEY, { paymentId: premium.id, expiresAt: anHourAgo });
    expect((await page(`/pay/${late}/renew`, { method: "POST" })).status).toBe(303);
    const tooLate = await signCheckoutToken(env.CHECKOUT_SIGNING_KEY, { paymentId: premium.id, expiresAt: anHourAgo - 200 });
    expect((await page(`/pay/${tooLate}/renew`, { method: "POST" })).status).toBe(404);
    const forged = await signCheckoutToken("a-different-key-also-32-characters-long!", { paymentId: premium.id, expiresAt: anHourAgo });
    expect((await page(`/pay/${forged}/renew`, { method: "POST" })).status).toBe(404);
  });
});
