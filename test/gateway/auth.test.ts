import { env } from "cloudflare:workers";
import { SignJWT, UnsecuredJWT } from "jose";
import { describe, expect, it } from "vitest";
import { billConfirmationFor } from "../support/bill-payment.ts";
import { callGateway } from "../support/gateway.ts";
import { tokenFor } from "../support/tokens.ts";

const premium = { id: 150001, policyNumber: "P123456789", payer: "John Doe", amount: 150, currency: "USD" as const, dueDate: "2025-11-15" };
const key = () => new TextEncoder().encode(env.JWT_SECRET);

function claims(alg = "HS256") {
  return new SignJWT({ scope: "payments:inquire payments:confirm" })
    .setProtectedHeader({ alg })
    .setSubject("test-client")
    .setIssuer(env.JWT_ISSUER)
    .setAudience(env.JWT_AUDIENCE)
    .setIssuedAt()
    .setExpirationTime("5m");
}

async function expectStatus(token: string | null, status: number, code: string, path = "/AMK/payments?query=P123456789") {
  const response = await callGateway(path, { token });
  expect(response.status).toBe(status);
  expect((await response.json<any>()).error.code).toBe(code);
}

describe("bearer tokens", () => {
  it("401 without a token", () => expectStatus(null, 401, "UNAUTHORIZED"));
  it("401 with a malformed header value", () => expectStatus("not a jwt", 401, "UNAUTHORIZED"));
  it("401 with a bad signature", async () =>
    expectStatus(await tokenFor(undefined, { secret: "another-secret-that-is-long-enough-000" }), 401, "UNAUTHORIZED"));
  it("401 when expired", async () => {
    const token = await claims()
      .setExpirationTime(Math.floor(Date.now() / 1000) - 60)
      .sign(key());
    await expectStatus(token, 401, "UNAUTHORIZED");
  });
  it("401 without an expiry", async () => {
    const token = await new SignJWT({ scope: "payments:inquire" })
      .setProtectedHeader({ alg: "HS256" })
      .setSubject("c")
      .setIssuer(env.JWT_ISSUER)
      .setAudience(env.JWT_AUDIENCE)
      .sign(key());
    await expectStatus(token, 401, "UNAUTHORIZED");
  });
  it("401 for alg: none", async () => {
    const token = new UnsecuredJWT({ scope: "payments:inquire" })
      .setSubject("c")
      .setIssuer(env.JWT_ISSUER)
      .setAudience(env.JWT_AUDIENCE)
      .setExpirationTime("5m")
      .encode();
    await expectStatus(token, 401, "UNAUTHORIZED");
  });
  it("401 for another algorithm with the same key (HS512)", async () => {
    const token = await claims("HS512").sign(key());
    await expectStatus(token, 401, "UNAUTHORIZED");
  });
  it("401 for the wrong issuer", async () =>
    expectStatus(await claims().setIssuer("https://evil.example").sign(key()), 401, "UNAUTHORIZED"));
  it("401 for the wrong audience", async () => expectStatus(await claims().setAudience("someone-else").sign(key()), 401, "UNAUTHORIZED"));
  it("401 before its not-before time", async () => expectStatus(await claims().setNotBefore("10m").sign(key()), 401, "UNAUTHORIZED"));

  it("403 FORBIDDEN for a valid token without the inquiry scope", async () => {
    await expectStatus(await tokenFor(["khqr:generate"]), 403, "FORBIDDEN");
  });

  it("403 FORBIDDEN for confirming with only the inquiry scope", async () => {
    const response = await callGateway("/AMK/payments", {
      method: "POST",
      token: await tokenFor(["payments:inquire"]),
      body: billConfirmationFor(premium),
    });
    expect(response.status).toBe(403);
    expect((await response.json<any>()).error.code).toBe("FORBIDDEN");
  });

  it("judges authentication before input: an invalid body without a token is 401", async () => {
    const response = await callGateway("/AMK/payments", { method: "POST", token: null, body: { nonsense: true } });
    expect(response.status).toBe(401);
  });

  it("judges scope before input: an invalid body with the wrong scope is 403", async () => {
    const response = await callGateway("/AMK/payments", {
      method: "POST",
      token: await tokenFor(["khqr:generate"]),
      body: { nonsense: true },
    });
    expect(response.status).toBe(403);
  });
});

describe("configuration", () => {
  it("answers INTERNAL_ERROR without details when a variable is missing, and names it in the log", async () => {
    const logged: string[] = [];
    const original = console.log;
    console.log = (line: string) => logged.push(line);
    try {
      const response = await callGateway("/AMK/payments?query=P123456789", { env: { INTEGRATION_BASE_URL: undefined } });
      expect(response.status).toBe(500);
      const body = await response.json<any>();
      expect(body.error).toEqual({ code: "INTERNAL_ERROR", message: "The service is misconfigured" });
    } finally {
      console.log = original;
    }
    expect(logged.join("\n")).toContain("INTEGRATION_BASE_URL is required");
    expect(logged.join("\n")).not.toContain(env.JWT_SECRET);
  });
});
