// Who may call the bank routes, and what they may send.
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import gateway from "../../workers/gateway/src/index.ts";
import { gatewayConfig } from "../../workers/gateway/src/config.ts";
import type { PaymentError } from "#shared/payments/errors.ts";
import { billConfirmationFor } from "../support/bill-payment.ts";
import { callGateway } from "../support/gateway.ts";
import { khqrWebhookFor, paidPremium, sendWebhook } from "../support/khqr-webhook.ts";
import { seedPremium } from "../support/sandbox.ts";
import { tokenFor } from "../support/tokens.ts";
import { queryRow } from "../support/records.ts";

const FINGERPRINT = "ab".repeat(32);
const BANK_ROUTES = ["/AMK/payments", "/AMK/khqr"];

async function codeOf(response: Response) {
  return (await response.json<any>()).error.code;
}

/** A bank call as Cloudflare hands it to the worker, with its client certificate's verification. */
async function bankCall(path: string, body: unknown, options: { token: string; tls?: object; env?: Partial<Cloudflare.Env> }) {
  const request = new Request(`https://gateway.test${path}`, {
    method: "POST",
    headers: { authorization: `Bearer ${options.token}`, "content-type": "application/json" },
    body: JSON.stringify(body),
    cf: options.tls ? { tlsClientAuth: options.tls } : undefined,
  } as RequestInit);
  const ctx = createExecutionContext();
  const response = await gateway.fetch(request, { ...env, ...options.env } as Cloudflare.Env, ctx);
  await waitOnExecutionContext(ctx);
  return response;
}

describe("bank routes: only AMK's client", () => {
  it("401 without a token and 403 without the payments:confirm scope on POST /AMK/khqr", async () => {
    const premium = await paidPremium();
    const anonymous = await callGateway("/AMK/khqr", { method: "POST", body: khqrWebhookFor(premium), token: null });
    expect(anonymous.status).toBe(401);
    expect(await codeOf(anonymous)).toBe("UNAUTHORIZED");
    const app = await callGateway("/AMK/khqr", {
      method: "POST",
      body: khqrWebhookFor(premium),
      token: await tokenFor(["payments:inquire", "khqr:generate"]),
    });
    expect(app.status).toBe(403);
    expect(await codeOf(app)).toBe("FORBIDDEN");
  });

  it("403 on both bank routes for a token whose sub is not in AMK_CLIENT_SUBJECTS, whatever its scopes", async () => {
    const premium = await paidPremium();
    const restricted = { AMK_CLIENT_SUBJECTS: "amk-bank, amk-bank-dr" } as Partial<Cloudflare.Env>;
    const stranger = await tokenFor(["payments:confirm"], { subject: "some-app" });
    for (const [path, body] of [
      ["/AMK/payments", billConfirmationFor(premium)],
      ["/AMK/khqr", khqrWebhookFor(premium)],
    ] as const) {
      const refused = await bankCall(path, body, { token: stranger, env: restricted });
      expect(refused.status).toBe(403);
      expect(await codeOf(refused)).toBe("FORBIDDEN");
    }
    const bank = await tokenFor(["payments:confirm"], { subject: "amk-bank-dr" });
    expect((await bankCall("/AMK/khqr", khqrWebhookFor(premium), { token: bank, env: restricted })).status).toBe(200);
  });

  it("403 on both bank routes without the pinned client certificate; the pinned one passes", async () => {
    const premium = await seedPremium();
    const pinned = { AMK_CLIENT_CERT_SHA256: FINGERPRINT.toUpperCase() } as Partial<Cloudflare.Env>;
    const token = await tokenFor(["payments:confirm"]);
    for (const path of BANK_ROUTES) {
      expect((await bankCall(path, {}, { token, env: pinned })).status).toBe(403);
      const other = { certVerified: "SUCCESS", certFingerprintSHA256: "cd".repeat(32) };
      expect((await bankCall(path, {}, { token, env: pinned, tls: other })).status).toBe(403);
      const unverified = { certVerified: "FAILED:self signed certificate", certFingerprintSHA256: FINGERPRINT };
      expect((await bankCall(path, {}, { token, env: pinned, tls: unverified })).status).toBe(403);
    }
    const good = { certVerified: "SUCCESS", certFingerprintSHA256: FINGERPRINT };
    expect((await bankCall("/AMK/payments", billConfirmationFor(premium), { token, env: pinned, tls: good })).status).toBe(200);
  });
});

describe("bank routes: what they accept", () => {
  it("413 for a chunked 1 MB body on both bank routes", async () => {
    for (const path of BANK_ROUTES) {
      const chunk = new TextEncoder().encode(" ".repeat(64 * 1024));
      let sent = 0;
      const body = new ReadableStream({
        pull(controller) {
          if (sent++ >= 16) controller.close();
          else controller.enqueue(chunk);
        },
      });
      const request = new Request(`https://gateway.test${path}`, {
        method: "POST",
        headers: { authorization: `Bearer ${await tokenFor(["payments:confirm"])}`, "content-type": "application/json" },
        body,
        duplex: "half",
      } as RequestInit);
      expect(request.headers.get("content-length")).toBeNull();
      const response = await gateway.fetch(request, env, createExecutionContext());
      expect(response.status).toBe(413);
      expect(await codeOf(response)).toBe("PAYLOAD_TOO_LARGE");
    }
  });

  it("400 for a payer name with NUL or a bidi override", async () => {
    const premium = await seedPremium();
    for (const payer of ["John\u0000Doe", "John \u202Eeod"]) {
      const response = await callGateway("/AMK/payments", { method: "POST", body: billConfirmationFor(premium, { payer }) });
      expect(response.status).toBe(400);
      expect((await response.json<any>()).error.details).toContain("payer");
    }
  });

  it("400 for a KHQR paid_datetime in the future", async () => {
    const premium = await paidPremium();
    const response = await sendWebhook(khqrWebhookFor(premium, { paid_datetime: "2099-01-01 00:00:00.000000" }));
    expect(response.status).toBe(400);
    expect((await response.json<any>()).error.details).toContain("paid_datetime");
  });

  it("keeps its own request id in the audit trail, never the caller's X-Request-Id", async () => {
    const premium = await paidPremium();
    const response = await callGateway("/AMK/khqr", {
      method: "POST",
      body: khqrWebhookFor(premium),
      headers: { "x-request-id": "attacker-chosen" },
    });
    expect(response.status).toBe(200);
    const ours = response.headers.get("x-request-id");
    expect(ours).not.toBe("attacker-chosen");
    const receipt = await queryRow<any>("SELECT request_id FROM webhook_receipts WHERE invoice_number = ?", String(premium.id));
    expect(receipt.request_id).toBe(ours);
  });
});

describe("production settings", () => {
  it("refuses to serve on JWT_SECRET alone, or with an http upstream", async () => {
    const premium = await seedPremium();
    const production = { ENVIRONMENT: "production" } as Partial<Cloudflare.Env>;
    const answer = await callGateway(`/AMK/payments?query=${premium.policyNumber}`, { env: production });
    expect(answer.status).toBe(500);
    expect(await codeOf(answer)).toBe("INTERNAL_ERROR");
  });
});

describe("production bank clients", () => {
  const productionEnv = () => ({
    ...env,
    ENVIRONMENT: "production",
    JWT_SECRET: undefined,
    JWT_JWKS_URL: "https://login.example.com/.well-known/jwks.json",
    INTEGRATION_BASE_URL: "https://integration.example.com",
    AMK_VERIFY_URL: "https://amk.example.com/payment-verify",
    KAFKA_REST_URL: "https://kafka.example.com",
    SANDBOX_URL: undefined,
    // The sandbox's Access is http: production would refuse it (test/gateway/ops-access.test.ts).
    ACCESS_TEAM_DOMAIN: undefined,
    ACCESS_AUD: undefined,
  });
  const problem = (settings: object) => {
    try {
      gatewayConfig(settings);
      return undefined;
    } catch (error) {
      return (error as PaymentError).reason;
    }
  };

  it("refuses to start without AMK_CLIENT_SUBJECTS or AMK_CLIENT_CERT_SHA256: bill confirmations are never verified with AMK", () => {
    expect(problem(productionEnv())).toContain("requires AMK_CLIENT_SUBJECTS or AMK_CLIENT_CERT_SHA256");
    expect(problem({ ...productionEnv(), AMK_CLIENT_SUBJECTS: "amk-bank" })).toBeUndefined();
    expect(problem({ ...productionEnv(), AMK_CLIENT_CERT_SHA256: "ab".repeat(32) })).toBeUndefined();
    expect(problem({ ...productionEnv(), ENVIRONMENT: "uat" })).toBeUndefined();
  });
});

describe("GET /ops/exceptions", () => {
  it("lists flagged money for operators only", async () => {
    const premium = await seedPremium();
    expect((await callGateway("/AMK/payments", { method: "POST", body: billConfirmationFor(premium) })).status).toBe(200);
    const second = billConfirmationFor(premium);
    expect((await callGateway("/AMK/payments", { method: "POST", body: second })).status).toBe(409);
    expect((await callGateway("/ops/exceptions", { token: await tokenFor(["payments:confirm"]) })).status).toBe(403);
    const listed = await callGateway("/ops/exceptions?limit=500", { token: await tokenFor(["payments:operate"]) });
    expect(listed.status).toBe(200);
    const { exceptions } = (await listed.json<any>()).data;
    expect(exceptions.find((e: any) => e.transactionId === second.bankTransactionId)).toEqual({
      exceptionId: expect.any(String),
      kind: "DUPLICATE_PAYMENT",
      paymentId: premium.id,
      policyNumber: premium.policyNumber,
      channel: "BILL",
      transactionId: second.bankTransactionId,
      amount: 150,
      currency: "USD",
      recordedAt: expect.any(String),
      resolution: null,
      resolutions: [],
    });
    expect((await callGateway("/ops/exceptions?limit=0", { token: await tokenFor(["payments:operate"]) })).status).toBe(400);
  });
});
