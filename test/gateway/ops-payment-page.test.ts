// The operator's way through a browser, on each store: the dashboard links an open exception to its
// payment's page (HTML when the browser asks for it, JSON for tools as before), whose form records
// what was done with the signed-in email; a form from elsewhere, or without the session's token, is refused.
import { describe, expect, it } from "vitest";
import { accessSession, accessToken } from "../support/access.ts";
import { billConfirmationFor } from "../support/bill-payment.ts";
import { callGateway } from "../support/gateway.ts";
import { queryRow } from "../support/records.ts";
import { seedPremium, type TestPremium } from "../support/sandbox.ts";
import { tokenFor } from "../support/tokens.ts";

const BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";

async function flaggedException(): Promise<{ premium: TestPremium; exceptionId: string }> {
  const premium = await seedPremium();
  expect((await callGateway("/AMK/payments", { method: "POST", body: billConfirmationFor(premium) })).status).toBe(200);
  expect((await callGateway("/AMK/payments", { method: "POST", body: billConfirmationFor(premium) })).status).toBe(409);
  const row = await queryRow<{ exception_id: string }>("SELECT exception_id FROM payment_exceptions WHERE payment_id = ?", premium.id);
  return { premium, exceptionId: row!.exception_id };
}

async function paymentPage(paymentId: number, session: Record<string, string>) {
  const response = await callGateway(`/ops/payments/${paymentId}`, { token: null, headers: { ...session, accept: BROWSER_ACCEPT } });
  return { response, html: await response.text() };
}

const formTokenIn = (html: string) => /name="formToken" value="([^"]+)"/.exec(html)?.[1];

function postForm(exceptionId: string, fields: Record<string, string>, headers: Record<string, string>) {
  return callGateway(`/ops/exceptions/${exceptionId}/resolve`, {
    method: "POST",
    token: null,
    rawBody: new URLSearchParams(fields).toString(),
    headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
  });
}

describe("the payment page and its resolution form", () => {
  it("is linked from the dashboard, drawn as HTML for a browser, and records the signed-in email from its form", async () => {
    const { premium, exceptionId } = await flaggedException();
    const session = accessSession(await accessToken("ana@example.com"));
    const board = await (await callGateway("/ops/dashboard", { token: null, headers: session })).text();
    expect(board).toContain(`href="/ops/payments/${premium.id}#exception-${exceptionId}"`);

    const { response, html } = await paymentPage(premium.id, session);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(response.headers.get("content-security-policy")).toMatch(/form-action 'self'/);
    expect(response.headers.get("content-security-policy")).not.toContain("script-src");
    expect(html).not.toMatch(/<script|\son[a-z]+=|\sstyle=/i);
    expect(html).toContain(`data-exception="${exceptionId}"`);
    expect(html).toContain('<span id="operator">ana@example.com</span>');
    const formToken = formTokenIn(html)!;
    expect(formToken).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const posted = await postForm(exceptionId, { resolution: "refund-requested", note: "ticket 7", formToken }, session);
    expect(posted.status).toBe(303);
    expect(posted.headers.get("location")).toBe(`/ops/payments/${premium.id}#exception-${exceptionId}`);
    const after = (await paymentPage(premium.id, session)).html;
    expect(after).toContain('data-field="state" class="good">refund-requested<');
    expect(after).toMatch(/<strong>refund-requested<\/strong> by <span data-field="resolved-by">ana@example.com<\/span>/);
    // Only "refunded" may follow a refund request.
    expect(after).toMatch(/<select name="resolution"><option value="refunded">refunded<\/option><\/select>/);
  });

  it("still answers JSON to tools with a bearer token", async () => {
    const { premium } = await flaggedException();
    const response = await callGateway(`/ops/payments/${premium.id}`, { token: await tokenFor(["payments:operate"]) });
    expect(response.headers.get("content-type")).toContain("application/json");
    expect((await response.json<any>()).data.exceptions).toHaveLength(1);
  });

  it("refuses a form without the session's token, from another origin, or drawn for another session", async () => {
    const { premium, exceptionId } = await flaggedException();
    const session = accessSession(await accessToken("ana@example.com"));
    const formToken = formTokenIn((await paymentPage(premium.id, session)).html)!;
    const fields = { resolution: "written-off", note: "x" };
    const otherSession = accessSession(await accessToken("ana@example.com"));
    const refused = [
      await postForm(exceptionId, { ...fields, formToken: "forged" }, session),
      await postForm(exceptionId, { ...fields, formToken }, otherSession),
      await postForm(exceptionId, { ...fields, formToken }, { ...session, origin: "https://evil.example" }),
    ];
    for (const answer of refused) {
      expect(answer.status).toBe(403);
      expect((await answer.json<any>()).error.code).toBe("FORBIDDEN");
    }
    expect((await paymentPage(premium.id, session)).html).toContain('data-field="state" class="bad">open<');
  });

  it("answers bad input in the error envelope: no token field, an unknown resolution, a JSON body", async () => {
    const { exceptionId } = await flaggedException();
    const session = accessSession(await accessToken("ana@example.com"));
    for (const answer of [
      await postForm(exceptionId, { resolution: "written-off", note: "x" }, session),
      await postForm(exceptionId, { resolution: "forgiven", note: "x", formToken: "t" }, session),
      await callGateway(`/ops/exceptions/${exceptionId}/resolve`, { token: null, headers: session, body: { resolution: "refunded" } }),
    ]) {
      expect(answer.status).toBe(400);
      expect((await answer.json<any>()).error.code).toBe("BAD_REQUEST");
    }
  });
});
