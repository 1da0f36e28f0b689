// Operators signed in by Cloudflare Access (the sandbox plays Access): the assertion in the header
// or the cookie opens every /ops route and names who resolved an exception; a forged, expired,
// wrong-audience or missing one is 401. Bearer tokens with payments:operate keep working for tools.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { PaymentError } from "../../shared/payments/errors.ts";
import { gatewayConfig } from "../../workers/gateway/src/config.ts";
import { accessSession, accessToken, forgedAccessToken } from "../support/access.ts";
import { billConfirmationFor } from "../support/bill-payment.ts";
import { callGateway } from "../support/gateway.ts";
import { queryRow } from "../support/records.ts";
import { seedPremium } from "../support/sandbox.ts";
import { tokenFor } from "../support/tokens.ts";

const dashboard = (headers: Record<string, string>) => callGateway("/ops/dashboard", { token: null, headers });

async function flaggedException(): Promise<string> {
  const premium = await seedPremium();
  expect((await callGateway("/AMK/payments", { method: "POST", body: billConfirmationFor(premium) })).status).toBe(200);
  expect((await callGateway("/AMK/payments", { method: "POST", body: billConfirmationFor(premium) })).status).toBe(409);
  const row = await queryRow<{ exception_id: string }>("SELECT exception_id FROM payment_exceptions WHERE payment_id = ?", premium.id);
  return row!.exception_id;
}

describe("operators signed in by Cloudflare Access", () => {
  it.each(["cookie", "header"] as const)("opens the dashboard with the Access assertion in the %s", async (via) => {
    const response = await dashboard(accessSession(await accessToken("ana@example.com"), via));
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("text/html");
  });

  it.each([
    ["missing", async () => ({})],
    ["forged (signed with a key Access never published)", async () => accessSession(await forgedAccessToken("eve@example.com"))],
    ["expired", async () => accessSession(await accessToken("ana@example.com", { expiresIn: -60 }))],
    [
      "for another Access application (wrong AUD)",
      async () => accessSession(await accessToken("ana@example.com", { audience: "another-app" })),
    ],
    ["not a JWT", async () => accessSession("not-a-jwt")],
  ])("is 401 in the error envelope when the assertion is %s", async (_case, headers) => {
    const response = await dashboard(await headers());
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ success: false, error: { code: "UNAUTHORIZED" } });
  });

  it("names the signed-in email on the resolution it records", async () => {
    const exceptionId = await flaggedException();
    const answer = await callGateway(`/ops/exceptions/${exceptionId}/resolution`, {
      token: null,
      headers: accessSession(await accessToken("ana@example.com")),
      body: { resolution: "refund-requested", note: "asked in ticket 12" },
    });
    expect(answer.status).toBe(200);
    expect((await answer.json<any>()).data.exception.resolution.resolvedBy).toBe("ana@example.com");
  });

  it("refuses a state change from another origin, or with no origin at all, even with a valid session", async () => {
    const exceptionId = await flaggedException();
    const cookie = accessSession(await accessToken("ana@example.com")).cookie!;
    const attempts: Record<string, string>[] = [
      { cookie, origin: "https://evil.example" },
      { cookie },
      { cookie, "sec-fetch-site": "cross-site" },
    ];
    for (const headers of attempts) {
      const answer = await callGateway(`/ops/exceptions/${exceptionId}/resolution`, {
        token: null,
        headers,
        body: { resolution: "refund-requested", note: "x" },
      });
      expect(answer.status).toBe(403);
      expect((await answer.json<any>()).error.code).toBe("FORBIDDEN");
    }
    // A page under a no-referrer policy posts with Origin "null": its Sec-Fetch-Site (which no page can set) decides.
    const fromOwnPage = await callGateway(`/ops/exceptions/${exceptionId}/resolution`, {
      token: null,
      headers: { cookie, origin: "null", "sec-fetch-site": "same-origin" },
      body: { resolution: "refund-requested", note: "x" },
    });
    expect(fromOwnPage.status).toBe(200);
  });

  it("keeps bearer tokens with payments:operate working for tools, and judges an Authorization header as a bearer token", async () => {
    expect((await callGateway("/ops/dashboard", { token: await tokenFor(["payments:operate"]) })).status).toBe(200);
    expect((await callGateway("/ops/dashboard", { token: await tokenFor(["payments:inquire"]) })).status).toBe(403);
    const session = accessSession(await accessToken("ana@example.com"));
    expect((await callGateway("/ops/dashboard", { token: "forged.bearer.token", headers: session })).status).toBe(401);
  });
});

describe("the Access settings", () => {
  const production = {
    ...env,
    ENVIRONMENT: "production",
    JWT_SECRET: undefined,
    JWT_JWKS_URL: undefined,
    INTEGRATION_BASE_URL: "https://integration.example.com",
    AMK_VERIFY_URL: "https://amk.example.com/payment-verify",
    KAFKA_REST_URL: "https://kafka.example.com",
    AMK_CLIENT_SUBJECTS: "amk-bank",
    ACCESS_TEAM_DOMAIN: "https://insurer.cloudflareaccess.com",
    ACCESS_AUD: "0123456789abcdef",
    SANDBOX_URL: undefined,
  };
  const problem = (settings: object) => {
    try {
      return { config: gatewayConfig(settings), reason: undefined };
    } catch (error) {
      return { config: undefined, reason: (error as PaymentError).reason };
    }
  };

  it("go together, and a bare team domain is taken as https", () => {
    expect(problem({ ...env, ACCESS_AUD: undefined }).reason).toContain("ACCESS_TEAM_DOMAIN and ACCESS_AUD go together");
    expect(problem({ ...env, ACCESS_TEAM_DOMAIN: "insurer.cloudflareaccess.com/" }).config?.access?.teamDomain).toBe(
      "https://insurer.cloudflareaccess.com",
    );
    expect(problem({ ...env, ACCESS_TEAM_DOMAIN: undefined, ACCESS_AUD: undefined }).config?.access).toBeUndefined();
  });

  it("production refuses /ops with neither Access nor a JWKS, and an http team domain", () => {
    expect(problem({ ...production, ACCESS_TEAM_DOMAIN: undefined, ACCESS_AUD: undefined }).reason).toContain(
      "requires ACCESS_TEAM_DOMAIN and ACCESS_AUD, or JWT_JWKS_URL, for the /ops routes",
    );
    expect(problem({ ...production, ACCESS_TEAM_DOMAIN: "http://insurer.example" }).reason).toContain("https:// ACCESS_TEAM_DOMAIN");
    // Access alone still leaves the app and bank routes without a JWKS, which production also requires.
    expect(problem(production).reason).toContain("requires JWT_JWKS_URL");
    expect(problem({ ...production, JWT_JWKS_URL: "https://login.example.com/jwks.json" }).reason).toBeUndefined();
  });
});
